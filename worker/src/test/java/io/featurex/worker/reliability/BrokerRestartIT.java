package io.featurex.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.topics.TopicSetup;
import io.featurex.worker.testing.ExactlyOnce;
import io.featurex.worker.testing.ForkedBroker;
import io.featurex.worker.testing.ForkedWorker;
import io.featurex.worker.testing.Load;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The broker, running as its own process, is stopped mid-run and started again; two worker
 * processes ride it out and every input still comes out exactly once.
 */
class BrokerRestartIT {

    private static final int INPUTS = 800;

    @Test
    void workersRecoverFromABrokerRestartWithNothingLostOrDuplicated() throws Exception {
        Path base = Files.createDirectories(Path.of("target/it-logs/broker-restart-" + System.currentTimeMillis()));
        Path root = Files.createDirectories(base.resolve("files"));
        List<ForkedWorker> workers = new ArrayList<>();
        try (ForkedBroker broker = new ForkedBroker(base.resolve("kafka")).start(Duration.ofSeconds(90))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicSetup.ensureTopics(
                        admin,
                        List.of(
                                new NewTopic("in", Optional.of(4), Optional.empty()),
                                new NewTopic("out", Optional.of(4), Optional.empty()),
                                new NewTopic("dlq", Optional.of(1), Optional.empty())),
                        Duration.ofSeconds(60));
            }
            List<String> args = Fleet.runArgs(bootstrap, "in", "out", "dlq", "restart-group", root);
            for (int i = 1; i <= 2; i++) {
                workers.add(Fleet.worker("restart-worker-" + i, args, base).start());
            }
            for (ForkedWorker w : workers) {
                w.awaitReady(Duration.ofSeconds(90));
            }
            Load load = Load.of(INPUTS, 40, root);
            Thread sender = load.sendInBackground(bootstrap, "in", 16);
            Thread.sleep(6_000);
            broker.stop();
            Thread.sleep(3_000);
            broker.start(Duration.ofSeconds(90));
            sender.join(180_000);

            ExactlyOnce result = ExactlyOnce.read(bootstrap, "out", "dlq", load.ids, Duration.ofMinutes(4));
            System.out.println("broker restart test: " + result);
            assertThat(result.missing(load.ids)).as("lost").isEmpty();
            assertThat(result.duplicated()).as("duplicated").isEmpty();
            assertThat(result.deadLetters).isEqualTo(INPUTS / 40);
            for (ForkedWorker w : workers) {
                assertThat(w.isAlive())
                        .as(w.id() + " survived the restart; log " + w.log())
                        .isTrue();
            }
        } finally {
            for (ForkedWorker w : workers) {
                w.close();
            }
        }
    }
}
