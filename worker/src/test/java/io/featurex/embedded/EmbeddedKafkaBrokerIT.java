package io.featurex.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurex.topics.TopicSetup;
import io.featurex.worker.testing.TestKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process broker behaves like a real one for what the worker relies on: partitioned
 * topics, consumer groups and transactions with read_committed consumers.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedKafkaBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Only set when the run's shared broker is a container: this class is about the embedded one. */
    private static EmbeddedKafkaBroker ownBroker;

    private static String bootstrap;
    private static Admin admin;

    @BeforeAll
    static void broker() throws IOException {
        if (TestKafka.embeddedChosen()) {
            bootstrap = TestKafka.bootstrapServers();
        } else {
            ownBroker = EmbeddedKafkaBroker.start();
            bootstrap = ownBroker.bootstrapServers();
        }
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (ownBroker != null) {
            ownBroker.close();
        }
    }

    @Test
    void thousandRecordsOnThreePartitionsComeBackThroughAConsumerGroup() throws Exception {
        String topic = "roundtrip-" + UUID.randomUUID();
        TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 3, (short) 1)), TIMEOUT);

        Set<Integer> partitionsWritten = new HashSet<>();
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)));
            }
            producer.flush();
            for (Future<RecordMetadata> future : sent) {
                partitionsWritten.add(future.get(30, TimeUnit.SECONDS).partition());
            }
        }
        assertThat(partitionsWritten).containsExactlyInAnyOrder(0, 1, 2);

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer("roundtrip-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (received.size() < 1_000 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }

        assertThat(received).hasSize(1_000);
        assertThat(received)
                .allSatisfy(r -> assertThat(r.value()).isEqualTo(r.key().replace("key-", "value-")));
        assertThat(received).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
        Map<Integer, Long> lastOffset = new HashMap<>();
        for (ConsumerRecord<String, String> r : received) {
            assertThat(r.offset()).isGreaterThan(lastOffset.getOrDefault(r.partition(), -1L));
            lastOffset.put(r.partition(), r.offset());
        }
    }

    @Test
    void readCommittedConsumerSeesOnlyCommittedTransactions() throws Exception {
        String topic = "tx-" + UUID.randomUUID();
        TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 3, (short) 1)), TIMEOUT);

        try (KafkaProducer<String, String> producer =
                producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "c" + i, "committed-" + i));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "a" + i, "aborted-" + i));
            }
            // Flushed first so the aborted records are really in the log, not just dropped client-side.
            producer.flush();
            producer.abortTransaction();
        }

        assertThat(readAll(topic, "read_committed")).containsExactlyInAnyOrderElementsOf(values("committed-", 10));
        assertThat(readAll(topic, "read_uncommitted"))
                .containsExactlyInAnyOrderElementsOf(concat(values("committed-", 10), values("aborted-", 10)));
    }

    @Test
    void ensureTopicsLeavesAnExistingTopicAlone() {
        String topic = "existing-" + UUID.randomUUID();
        TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 2, (short) 1)), TIMEOUT);

        TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 5, (short) 1)), TIMEOUT);
        TopicSetup.awaitReady(admin, List.of(topic), TIMEOUT);

        assertThat(describe(topic).partitions()).hasSize(2);
    }

    @Test
    void concurrentCreatorsOfOneTopicAllSucceed() throws Exception {
        String topic = "race-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> creators = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                creators.add(pool.submit(
                        () -> TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 3, (short) 1)), TIMEOUT)));
            }
            for (Future<?> creator : creators) {
                creator.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(describe(topic).partitions()).hasSize(3);
    }

    @Test
    void awaitReadyNamesAMissingTopic() {
        String topic = "missing-" + UUID.randomUUID();

        assertThatThrownBy(() -> TopicSetup.awaitReady(admin, List.of(topic), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topic)
                .hasMessageContaining("does not exist");
    }

    @Test
    void secondBrokerStartsOnItsOwnPortsAndReleasesThem(@TempDir Path dataDir) throws Exception {
        String address;
        long started = System.nanoTime();
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"))) {
            long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("Embedded Kafka broker started in %d ms%n", startMillis);
            address = second.bootstrapServers();
            assertThat(address).matches("127\\.0\\.0\\.1:\\d+").isNotEqualTo(bootstrap);
            try (Admin secondAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address))) {
                assertThat(secondAdmin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .hasSize(1);
            }
        }

        assertThat(dataDir.resolve("kafka")).exists();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
    }

    @Test
    void refusesADataDirectoryThatIsNotEmpty(@TempDir Path dataDir) throws IOException {
        Files.writeString(dataDir.resolve("something"), "not Kafka's");

        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dataDir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not empty");
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000));
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String groupId) {
        return consumer(groupId, "read_committed");
    }

    private static KafkaConsumer<String, String> consumer(String groupId, String isolationLevel) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolationLevel,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** Every value up to the end offsets (for read_committed: the last stable offset), via manual assignment. */
    private static List<String> readAll(String topic, String isolationLevel) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer("readall-" + UUID.randomUUID(), isolationLevel)) {
            List<TopicPartition> partitions = describe(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                assertThat(System.nanoTime())
                        .as("reading %s up to %s", topic, end)
                        .isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    private static TopicDescription describe(String topic) {
        try {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
        } catch (Exception e) {
            throw new AssertionError("describeTopics " + topic, e);
        }
    }

    private static List<String> values(String prefix, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
