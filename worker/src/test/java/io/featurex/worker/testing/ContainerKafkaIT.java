package io.featurex.worker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.topics.TopicSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kafka container that {@code -Dfeaturex.test.broker=container} gives every test, and that
 * the image tests run the worker against, checked on its own: if this fails, the problem is the
 * image or the Docker set-up, not the worker. Runs where the image is in the local store
 * ({@code deploy/images.sh} builds it), or wherever {@code -Dfeaturex.test.containers=required}
 * demands it; skipped, saying why, elsewhere.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ContainerKafkaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static KafkaContainer kafka;

    @BeforeAll
    static void start() {
        if (!ContainerImages.runnable(TestKafka.image())) {
            return;
        }
        kafka = new KafkaContainer(DockerImageName.parse(TestKafka.image()));
        long started = System.nanoTime();
        kafka.start();
        System.out.printf(
                "Kafka container %s ready in %.1f s%n", TestKafka.image(), (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @BeforeEach
    void runnable() {
        ContainerImages.assumeRunnable(TestKafka.image());
    }

    @Test
    void recordsComeBackFromTheContainer() throws Exception {
        String bootstrap = kafka.getBootstrapServers();
        String topic = "tc-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 2, (short) 1)), TIMEOUT);
        }

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }

        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "tc-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (values.size() < 10 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }

        assertThat(values).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }
}
