package io.featurex.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.embedded.SecuredKafkaBroker;
import io.featurex.topics.TopicSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The load test on a broker that checks everything, with only what the README says it needs:
 * Write on the input topic, Read on the output and dead-letter topics (the verifier reads them by
 * assignment, with no group). The stand-in worker uses the broker's set-up listener.
 */
class SecuredLoadTestIT {

    private static final String PASSWORD = "loadtest-secret-" + System.nanoTime();

    @TempDir
    Path dir;

    @Test
    void runsWithWriteOnTheInputAndReadOnTheOutputsOnly() throws Exception {
        try (SecuredKafkaBroker broker = SecuredKafkaBroker.start(dir.resolve("broker"))) {
            broker.addUser("loadtest", PASSWORD);
            LoadTestIT.Topics t = new LoadTestIT.Topics("in-secured", "out-secured", "dead-secured");
            try (Admin admin = broker.setupAdmin()) {
                TopicSetup.ensureTopics(
                        admin,
                        List.of(
                                new NewTopic(t.input(), 2, (short) 1),
                                new NewTopic(t.output(), 2, (short) 1),
                                new NewTopic(t.deadLetters(), 1, (short) 1)),
                        Duration.ofSeconds(30));
            }
            List<AclBinding> grants = new ArrayList<>();
            grants.add(allow(AclOperation.WRITE, t.input()));
            grants.add(allow(AclOperation.READ, t.output()));
            grants.add(allow(AclOperation.READ, t.deadLetters()));
            broker.grant(grants);

            LoadTestIT.FakeWorker worker = new LoadTestIT.FakeWorker(
                    broker.setupBootstrapServers(), t, i -> LoadTestIT.Fate.FEATURE, i -> 10L);
            worker.start();
            StringWriter verdict = new StringWriter();
            int exit;
            try {
                CommandLine command = Main.commandLine();
                command.setOut(new PrintWriter(verdict));
                exit = command.execute(
                        "run",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--kafka",
                        "security.protocol=SASL_SSL",
                        "--kafka",
                        "sasl.mechanism=" + SecuredKafkaBroker.MECHANISM,
                        "--kafka",
                        "sasl.jaas.config=" + SecuredKafkaBroker.jaas("loadtest", PASSWORD),
                        "--kafka",
                        "ssl.truststore.location=" + broker.tls().trustStore(),
                        "--kafka",
                        "ssl.truststore.password=" + broker.tls().password(),
                        "--kafka",
                        "ssl.truststore.type=PKCS12",
                        "--input-topic",
                        t.input(),
                        "--output-topic",
                        t.output(),
                        "--dead-letter-topic",
                        t.deadLetters(),
                        "--rate",
                        "100",
                        "--count",
                        "20",
                        "--generate",
                        "2",
                        "--generated-dir",
                        Files.createDirectories(dir.resolve("images")).toString(),
                        "--image-size",
                        "32",
                        "--drain-timeout",
                        "10s",
                        "--grace",
                        "1s",
                        "--run-id",
                        "secured",
                        "--out",
                        dir.resolve("report").toString());
            } finally {
                worker.stop();
            }
            assertThat(worker.failure.get()).isNull();
            assertThat(exit).as(verdict.toString()).isZero();
            assertThat(verdict.toString()).startsWith("PASS: sent 20, completed 20");
        }
    }

    private static AclBinding allow(AclOperation operation, String topic) {
        return new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:loadtest", "*", operation, AclPermissionType.ALLOW));
    }
}
