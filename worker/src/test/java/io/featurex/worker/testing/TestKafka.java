package io.featurex.worker.testing;

import io.featurex.embedded.EmbeddedKafkaBroker;
import io.featurex.topics.TopicSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one Kafka broker of a test run, started on first use and stopped when the JVM exits.
 *
 * <p>It is the in-process {@link EmbeddedKafkaBroker} unless {@code -Dfeaturex.test.broker=container}
 * asks for a Testcontainers {@code apache/kafka} container instead (pulled if not in the local
 * image store; {@code deploy/images.sh} builds one). A Docker engine alone is no reason to pick
 * the container: without a registry its image cannot be pulled, and the image is what {@link
 * ContainerKafkaIT} checks on its own. Tests share the broker, so each should work on its own
 * {@link #newTopic} topics and its own consumer group ids.
 */
public final class TestKafka {

    /** System property choosing the broker: {@code embedded} (also when unset) or {@code container}. */
    public static final String BROKER_PROPERTY = "featurex.test.broker";
    /** System property overriding {@link #DEFAULT_IMAGE}. */
    public static final String IMAGE_PROPERTY = "featurex.test.kafka.image";

    /**
     * The official image of the parent pom's kafka.version, the Kafka of the in-process broker
     * and the clients (DockerfilesTest keeps them equal), and the tag deploy/images.sh gives the
     * image it builds from the same artifacts.
     */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.4.0";

    public static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(TestKafka.class);

    private static Boolean embeddedChosen;
    private static Broker broker;
    private static SharedAdmin admin;

    private TestKafka() {}

    /** Starts the broker if this is the first call of the run. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = startBroker();
            Runtime.getRuntime().addShutdownHook(new Thread(TestKafka::stop, "test-kafka-shutdown"));
        }
        return broker.bootstrapServers();
    }

    /**
     * An Admin shared by the whole run. Closing it does nothing, so try-with-resources is
     * harmless; it is really closed at JVM exit.
     */
    public static synchronized Admin admin() {
        if (admin == null) {
            admin = new SharedAdmin(adminConfig());
        }
        return admin;
    }

    /** Creates a topic with a fresh name starting with {@code prefix}, ready to produce to. */
    public static String newTopic(String prefix, int partitions) {
        return newTopic(prefix, partitions, Map.of());
    }

    /** The same, with topic configurations (e.g. max.message.bytes). */
    public static String newTopic(String prefix, int partitions, Map<String, String> configs) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        TopicSetup.ensureTopics(
                admin(), List.of(new NewTopic(name, partitions, (short) 1).configs(configs)), TOPIC_TIMEOUT);
        return name;
    }

    /** A fresh consumer group id, so tests never share committed offsets. */
    public static String newGroupId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Bootstrap and short timeouts; a new mutable map on every call. */
    public static Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    /** Idempotent producer acknowledged by all replicas; add serializers or pass them to the constructor. */
    public static Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return config;
    }

    /** Consumer reading committed records from the beginning, committing nothing by itself. */
    public static Map<String, Object> consumerConfig(String groupId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    /**
     * Whether this run's broker is (or will be) the embedded one; decides without starting
     * anything, so a test about the embedded broker can reuse it instead of starting another.
     */
    public static synchronized boolean embeddedChosen() {
        if (embeddedChosen == null) {
            String wanted = System.getProperty(BROKER_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
            switch (wanted) {
                case "", "embedded" -> embeddedChosen = true;
                case "container" -> {
                    if (!ContainerImages.engineAvailable()) {
                        throw new IllegalStateException(
                                BROKER_PROPERTY + "=container, but no Docker engine is available");
                    }
                    embeddedChosen = false;
                }
                default ->
                    throw new IllegalArgumentException(
                            BROKER_PROPERTY + " must be 'embedded' or 'container', not '" + wanted + "'");
            }
        }
        return embeddedChosen;
    }

    private static Broker startBroker() {
        return embeddedChosen() ? startEmbedded() : startContainer();
    }

    private static Broker startEmbedded() {
        try {
            EmbeddedKafkaBroker embedded = EmbeddedKafkaBroker.start();
            log.info("Tests use the embedded Kafka broker on {}", embedded.bootstrapServers());
            return new Broker(embedded.bootstrapServers(), embedded);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded Kafka broker", e);
        }
    }

    private static Broker startContainer() {
        String image = image();
        @SuppressWarnings("resource") // stopped by the shutdown hook
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image));
        container.start();
        log.info("Tests use the Kafka container {} on {}", image, container.getBootstrapServers());
        return new Broker(container.getBootstrapServers(), container::stop);
    }

    /** The Kafka image container tests run: {@link #DEFAULT_IMAGE} unless {@link #IMAGE_PROPERTY} names another. */
    public static String image() {
        return System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
    }

    private static synchronized void stop() {
        if (admin != null) {
            admin.reallyClose();
        }
        if (broker != null) {
            try {
                broker.stopper().close();
            } catch (Exception e) {
                log.warn("Stopping the test Kafka broker failed", e);
            }
        }
    }

    private record Broker(String bootstrapServers, AutoCloseable stopper) {}

    /** Lets tests close "their" admin out of habit without breaking the tests after them. */
    private static final class SharedAdmin extends ForwardingAdmin {
        SharedAdmin(Map<String, Object> config) {
            super(config);
        }

        @Override
        public void close(Duration timeout) {
            // Other tests still use it: stop() closes it at JVM exit.
        }

        void reallyClose() {
            super.close(Duration.ofSeconds(5));
        }
    }
}
