package io.featurex.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.featurex.embedded.SampleImages;
import io.featurex.embedded.SecuredKafkaBroker;
import io.featurex.topics.TopicSetup;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.worker.cli.TestAccess;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.testing.ForkedWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker against a broker that checks everything (SASL_SSL, SCRAM-SHA-512, host names
 * verified, StandardAuthorizer denying what no ACL allows), given exactly {@link RequiredAcls}
 * and then each time one grant less.
 */
class SecuredKafkaIT {

    private static final String USER = "featurex";
    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();
    private static final String PRINCIPAL = "User:" + USER;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    static Path dir;

    private static SecuredKafkaBroker broker;
    private static List<Path> samples;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = SecuredKafkaBroker.start(dir.resolve("broker"));
        broker.addUser(USER, PASSWORD);
        samples = SampleImages.extractBuiltIn(Files.createDirectories(dir.resolve("samples")));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** One worker's topics and group on the secured broker, and the run options naming them. */
    private record Run(String input, String output, String deadLetters, String group, String workerId, String user) {

        static Run fresh() throws Exception {
            String tag = UUID.randomUUID().toString().substring(0, 8);
            // A user of its own: grants accumulate on the shared broker, and the transactional-id
            // prefix is the same for every run, so one run's grants must not serve the next.
            Run run =
                    new Run("in-" + tag, "out-" + tag, "dlq-" + tag, "group-" + tag, "worker-" + tag, USER + "-" + tag);
            broker.addUser(run.user, PASSWORD);
            try (Admin admin = broker.setupAdmin()) {
                TopicSetup.ensureTopics(
                        admin,
                        List.of(
                                new NewTopic(run.input, 2, (short) 1),
                                new NewTopic(run.output, 2, (short) 1),
                                new NewTopic(run.deadLetters, 1, (short) 1)),
                        Duration.ofSeconds(30));
            }
            return run;
        }

        List<String> args() {
            return List.of(
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--input-topic",
                    input,
                    "--output-topic",
                    output,
                    "--dead-letter-topic",
                    deadLetters,
                    "--group-id",
                    group,
                    "--model-width-divisor",
                    "8",
                    "--batch-max-size",
                    "8",
                    "--kafka",
                    "security.protocol=SASL_SSL",
                    "--kafka",
                    "sasl.mechanism=" + SecuredKafkaBroker.MECHANISM,
                    "--kafka",
                    "ssl.truststore.location=" + broker.tls().trustStore(),
                    "--kafka",
                    "ssl.truststore.type=PKCS12");
        }

        WorkerConfig config() {
            Map<String, String> raw = new HashMap<>();
            raw.put("bootstrap.servers", broker.bootstrapServers());
            raw.put("input.topic", input);
            raw.put("output.topic", output);
            raw.put("dead-letter.topic", deadLetters);
            raw.put("group.id", group);
            raw.put("worker.id", workerId);
            return WorkerConfig.from(raw);
        }

        String principal() {
            return "User:" + user;
        }

        /** The secrets as a Kubernetes Secret would give them: in the environment, never on the command line. */
        Map<String, String> secrets() {
            return Map.of(
                    "FEATUREX_KAFKA_SASL_JAAS_CONFIG", SecuredKafkaBroker.jaas(user, PASSWORD),
                    "FEATUREX_KAFKA_SSL_TRUSTSTORE_PASSWORD", broker.tls().password());
        }
    }

    @Test
    void withExactlyTheRequiredAclsTheWorkerRunsExactlyOnceAndNeverPrintsItsSecrets() throws Exception {
        Run run = Run.fresh();
        broker.grant(bindings(RequiredAcls.forRun(run.config(), run.principal())));
        List<String> ids = sendImages(run, 6);
        sendRaw(
                run,
                "no-source",
                ImageRef.newBuilder().setId("no-source").build().toByteArray());

        try (ForkedWorker worker = new ForkedWorker(run.workerId, run.args(), dir)
                .env(run.secrets())
                .start()) {
            worker.awaitReady(TIMEOUT);
            Outputs outputs = Outputs.read(run, ids.size(), 1);
            assertThat(outputs.features).containsOnlyKeys(ids);
            assertThat(outputs.features.values()).allMatch(count -> count == 1);
            assertThat(outputs.deadLetters).containsExactly(ErrorCode.NO_SOURCE);
            assertThat(worker.scrapeMetrics())
                    .contains("featurex_images_total")
                    .doesNotContain(PASSWORD)
                    .doesNotContain(broker.tls().password());
            assertThat(worker.terminate(Duration.ofSeconds(60)))
                    .as("SIGTERM: drained, then the JVM's own code")
                    .isIn(0, 143);

            String log = Files.readString(worker.log());
            assertThat(log).doesNotContain(PASSWORD).doesNotContain(broker.tls().password());
        }
    }

    @Test
    void runAndReplayShareOneConfigurationFileWithTheSecretsInIt() throws Exception {
        Run run = Run.fresh();
        String replayGroup = "replay-" + run.group;
        List<RequiredAcls.Grant> grants = new ArrayList<>(RequiredAcls.forRun(run.config(), run.principal()));
        grants.addAll(RequiredAcls.forReplay(run.config(), replayGroup, run.principal()));
        broker.grant(bindings(grants));
        Path file = dir.resolve(run.workerId + ".properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "bootstrap.servers=" + broker.bootstrapServers(),
                        "input.topic=" + run.input,
                        "output.topic=" + run.output,
                        "dead-letter.topic=" + run.deadLetters,
                        "group.id=" + run.group,
                        "model.width-divisor=8",
                        "batch.max-size=8",
                        "kafka.security.protocol=SASL_SSL",
                        "kafka.sasl.mechanism=" + SecuredKafkaBroker.MECHANISM,
                        "kafka.sasl.jaas.config=" + SecuredKafkaBroker.jaas(run.user, PASSWORD),
                        "kafka.ssl.truststore.location=" + broker.tls().trustStore(),
                        "kafka.ssl.truststore.password=" + broker.tls().password(),
                        "kafka.ssl.truststore.type=PKCS12",
                        ""));
        List<String> ids = sendImages(run, 2);
        sendRaw(
                run,
                "no-source",
                ImageRef.newBuilder().setId("no-source").build().toByteArray());

        try (ForkedWorker worker = new ForkedWorker(run.workerId, List.of("--config", file.toString()), dir).start()) {
            worker.awaitReady(TIMEOUT);
            Outputs outputs = Outputs.read(run, ids.size(), 1);
            assertThat(outputs.features).containsOnlyKeys(ids);
            assertThat(outputs.deadLetters).containsExactly(ErrorCode.NO_SOURCE);
            worker.terminate(Duration.ofSeconds(60));
            assertThat(Files.readString(worker.log())).doesNotContain(PASSWORD);
        }

        long before = recordsIn(run.input);
        int code = TestAccess.execute(
                "replay", "--config", file.toString(), "--code", "NO_SOURCE", "--group", replayGroup);
        assertThat(code).isZero();
        assertThat(recordsIn(run.input))
                .as("the dead-lettered input, sent back")
                .isEqualTo(before + 1);
    }

    private static long recordsIn(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = Outputs.consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** What KEDA's Kafka scaler asks (committed offsets of the group, end offsets of the topic), with Describe only. */
    @Test
    void theLagScalerNeedsOnlyDescribeOnTheGroupAndTheInputs() throws Exception {
        Run run = Run.fresh();
        sendImages(run, 3);
        TopicPartition partition = new TopicPartition(run.input, 0);
        try (Admin setup = broker.setupAdmin()) {
            setup.alterConsumerGroupOffsets(run.group, Map.of(partition, new OffsetAndMetadata(0)))
                    .all()
                    .get();
        }
        Map<String, Object> scaler = broker.clientProperties(run.user, PASSWORD);
        try (Admin admin = Admin.create(scaler)) {
            assertThatThrownBy(() -> admin.listConsumerGroupOffsets(run.group)
                            .partitionsToOffsetAndMetadata()
                            .get())
                    .hasCauseInstanceOf(GroupAuthorizationException.class);
        }
        broker.grant(bindings(RequiredAcls.forLagScaler(run.config(), run.principal())));
        try (Admin admin = Admin.create(scaler)) {
            long committed = admin.listConsumerGroupOffsets(run.group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition)
                    .offset();
            List<TopicPartition> partitions = List.of(partition, new TopicPartition(run.input, 1));
            long end = 0;
            for (TopicPartition p : partitions) {
                end += admin.listOffsets(Map.of(p, OffsetSpec.latest()))
                        .partitionResult(p)
                        .get()
                        .offset();
            }
            assertThat(committed).isZero();
            assertThat(end)
                    .as("what the scaler reads as lag, with the committed offset 0")
                    .isEqualTo(3);
        }
    }

    @Test
    void aWrongPasswordACertificateForAnotherHostAndNoSaslAreEachToldApart() {
        Map<String, Object> wrongPassword = new HashMap<>(broker.clientProperties(USER, "not-" + PASSWORD));
        assertThatThrownBy(() -> describe(wrongPassword))
                .isInstanceOf(BrokerUnreachableException.class)
                .hasMessageContaining("refused the worker's credentials")
                .hasMessageNotContaining(PASSWORD);

        Map<String, Object> otherHost = new HashMap<>(broker.clientProperties(USER, PASSWORD));
        otherHost.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.otherHostBootstrapServers());
        assertThatThrownBy(() -> describe(otherHost))
                .isInstanceOf(BrokerUnreachableException.class)
                .hasMessageContaining("TLS handshake with " + broker.otherHostBootstrapServers() + " failed");

        Map<String, Object> tlsOnly = new HashMap<>(broker.clientProperties(USER, PASSWORD));
        tlsOnly.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        tlsOnly.remove(SaslConfigs.SASL_MECHANISM);
        tlsOnly.remove(SaslConfigs.SASL_JAAS_CONFIG);
        assertThatThrownBy(() -> describe(tlsOnly))
                .isInstanceOf(BrokerUnreachableException.class)
                .hasMessageContaining("did not answer as Kafka")
                .hasMessageContaining("security.protocol");
    }

    private static void describe(Map<String, Object> props) {
        try (Admin admin = Admin.create(props)) {
            WorkerTopics.awaitCluster(admin, String.valueOf(props.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)));
        }
    }

    /** Each grant of a run's list, by position (every run's list has the same shape), with what it is for. */
    static Stream<Arguments> eachGrant() {
        Run template = new Run("in", "out", "dlq", "group", "worker", USER);
        List<RequiredAcls.Grant> grants = RequiredAcls.forRun(template.config(), PRINCIPAL);
        return IntStream.range(0, grants.size()).mapToObj(i -> Arguments.of(i, label(grants.get(i))));
    }

    private static String label(RequiredAcls.Grant grant) {
        return grant.binding().entry().operation() + " on "
                + grant.binding().pattern().resourceType() + " "
                + grant.binding().pattern().name() + " (" + grant.why() + ")";
    }

    @ParameterizedTest(name = "without {1}")
    @MethodSource("eachGrant")
    void withOneGrantLessTheWorkerStopsWithOneLineNamingIt(int missing, String label) throws Exception {
        Run run = Run.fresh();
        List<RequiredAcls.Grant> granted = new ArrayList<>(RequiredAcls.forRun(run.config(), run.principal()));
        RequiredAcls.Grant withheld = granted.remove(missing);
        broker.grant(bindings(granted));
        sendImages(run, 2);

        try (ForkedWorker worker = new ForkedWorker(run.workerId, run.args(), dir)
                .env(run.secrets())
                .start()) {
            int exit = worker.awaitExit(TIMEOUT);
            String log = Files.readString(worker.log());
            // What an operator would read, on the console beside the test's name.
            log.lines()
                    .filter(line -> line.contains(" ERROR "))
                    .forEach(line -> System.out.println(label + ": " + line));
            assertThat(exit).as("exit code; log:%n%s", tail(log)).isEqualTo(1);
            assertThat(log)
                    .as("one line naming the principal, the operation and the resource; log %s", worker.log())
                    .containsPattern("(?m)^.*ERROR.*" + Pattern.quote(run.principal()) + ".*"
                            + withheld.binding().entry().operation() + ".*"
                            + Pattern.quote(withheld.binding().pattern().name()) + ".*$");
            assertThat(log).doesNotContain(PASSWORD);
        }
        Outputs outputs = Outputs.readAvailable(run);
        assertThat(outputs.deadLetters)
                .as("good images are never dead-lettered")
                .isEmpty();
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static List<AclBinding> bindings(List<RequiredAcls.Grant> grants) {
        return grants.stream().map(RequiredAcls.Grant::binding).toList();
    }

    private static List<String> sendImages(Run run, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path image = samples.get(i % samples.size());
            String id = "img-" + i + "-" + image.getFileName();
            ids.add(id);
            sendRaw(
                    run,
                    id,
                    ImageRef.newBuilder()
                            .setId(id)
                            .setInline(ByteString.copyFrom(Files.readAllBytes(image)))
                            .build()
                            .toByteArray());
        }
        return ids;
    }

    private static void sendRaw(Run run, String key, byte[] value) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.setupBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(run.input, key.getBytes(StandardCharsets.UTF_8), value));
            producer.flush();
        }
    }

    /** What reached the output topics, read_committed, by the set-up super user. */
    private static final class Outputs {
        final Map<String, Integer> features = new HashMap<>();
        final List<ErrorCode> deadLetters = new ArrayList<>();

        static Outputs read(Run run, int features, int deadLetters) throws Exception {
            Outputs outputs = new Outputs();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                // Assigned, not subscribed: no group to join, so reading starts at once.
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(run.output, run.deadLetters)) {
                    consumer.partitionsFor(topic)
                            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (System.nanoTime() < deadline
                        && (outputs.features.size() < features || outputs.deadLetters.size() < deadLetters)) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        outputs.add(run, record);
                    }
                }
                // A little longer, to see duplicates that would come after the expected outputs.
                for (int i = 0; i < 4; i++) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        outputs.add(run, record);
                    }
                }
            }
            return outputs;
        }

        static Outputs readAvailable(Run run) throws Exception {
            return read(run, 0, 0);
        }

        private void add(Run run, ConsumerRecord<byte[], byte[]> record) throws Exception {
            if (record.topic().equals(run.output)) {
                features.merge(FeatureVector.parseFrom(record.value()).getId(), 1, Integer::sum);
            } else {
                deadLetters.add(DeadLetter.parseFrom(record.value()).getCode());
            }
        }

        private static KafkaConsumer<byte[], byte[]> consumer() {
            return new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.setupBootstrapServers(),
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }
    }
}
