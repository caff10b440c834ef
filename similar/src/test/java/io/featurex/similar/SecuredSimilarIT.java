package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.embedded.SecuredKafkaBroker;
import io.featurex.topics.TopicSetup;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;
import io.featurex.worker.kafka.RequiredAcls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** similar on a broker that checks everything, with the worker's kind of configuration file and only READ on the feature topic. */
class SecuredSimilarIT {

    private static final String PASSWORD = "similar-secret-" + System.nanoTime();

    @TempDir
    Path dir;

    @Test
    void followsTheFeatureTopicWithOnlyReadOnIt() throws Exception {
        try (SecuredKafkaBroker broker = SecuredKafkaBroker.start(dir.resolve("broker"))) {
            broker.addUser("similar", PASSWORD);
            String topic = "features-secured";
            try (Admin admin = broker.setupAdmin()) {
                TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 2, (short) 1)), Duration.ofSeconds(30));
            }
            broker.grant(RequiredAcls.forSimilar(topic, "User:similar").stream()
                    .map(RequiredAcls.Grant::binding)
                    .toList());
            ModelIdentity model = ModelIdentity.newBuilder()
                    .setArchitecture("test")
                    .setWeightsDigest("random:seed=1")
                    .build();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.setupBootstrapServers()),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (String[] v : new String[][] {{"a", "1", "0"}, {"b", "0.9", "0.1"}, {"c", "0", "1"}}) {
                    FeatureVector feature = FeatureVector.newBuilder()
                            .setId(v[0])
                            .addValues(Float.parseFloat(v[1]))
                            .addValues(Float.parseFloat(v[2]))
                            .setDimension(2)
                            .setModel(model)
                            .build();
                    producer.send(
                            new ProducerRecord<>(topic, v[0].getBytes(StandardCharsets.UTF_8), feature.toByteArray()));
                }
            }
            Path file = dir.resolve("featurex.properties");
            Files.writeString(
                    file,
                    String.join(
                            "\n",
                            "bootstrap.servers=" + broker.bootstrapServers(),
                            "output.topic=" + topic,
                            "kafka.security.protocol=SASL_SSL",
                            "kafka.sasl.mechanism=" + SecuredKafkaBroker.MECHANISM,
                            "kafka.sasl.jaas.config=" + SecuredKafkaBroker.jaas("similar", PASSWORD),
                            "kafka.ssl.truststore.location=" + broker.tls().trustStore(),
                            "kafka.ssl.truststore.password=" + broker.tls().password(),
                            "kafka.ssl.truststore.type=PKCS12",
                            ""));

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream original = System.out;
            int code;
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                code = new CommandLine(new SimilarCommand())
                        .execute("--config", file.toString(), "--query-id", "a", "--k", "2");
            } finally {
                System.setOut(original);
            }
            String out = captured.toString(StandardCharsets.UTF_8);
            assertThat(code).as(out).isZero();
            assertThat(out)
                    .contains("index: 3 vectors")
                    .containsPattern("1 +0\\.99\\d+ +b")
                    .doesNotContain(PASSWORD);
        }
    }
}
