package io.featurex.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.featurex.embedded.EmbeddedKafkaBroker;
import io.featurex.loadtest.report.Report;
import io.featurex.loadtest.report.ReportJson;
import io.featurex.topics.TopicSetup;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.v1.SourceCoordinates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The load test against a real (in-process) Kafka broker, with this test acting as the worker:
 * it reads the refs and writes FeatureVectors and DeadLetters transactionally with timestamps it
 * chooses, so the verifier's id matching and latency arithmetic can be checked exactly.
 */
class LoadTestIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** What the fake worker does with ref {@code index}. */
    enum Fate {
        FEATURE,
        DEAD_LETTER,
        NOTHING,
        TWICE,
        ABORTED_THEN_FEATURE
    }

    @Test
    void matchesEveryIdAndComputesLatencyExactly(@TempDir Path tmp) throws Exception {
        Topics t = topics();
        int n = 40;
        // Every 10th ref names a missing file (the load test's --bad-every): the worker dead-letters it.
        IntFunction<Fate> fate =
                i -> i == 7 ? Fate.NOTHING : i == 12 ? Fate.TWICE : i == 20 ? Fate.ABORTED_THEN_FEATURE : Fate.FEATURE;
        // Output record timestamp = input record timestamp + 10 (i + 1) ms: latency of ref i.
        IntFunction<Long> delayMs = i -> 10L * (i + 1);

        FakeWorker worker = new FakeWorker(t, fate, delayMs);
        worker.start();
        Path out = tmp.resolve("report");
        int exit;
        StringWriter verdict = new StringWriter();
        try {
            CommandLine command = Main.commandLine();
            command.setOut(new PrintWriter(verdict));
            exit = command.execute(
                    "run",
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--input-topic",
                    t.input,
                    "--output-topic",
                    t.output,
                    "--dead-letter-topic",
                    t.deadLetters,
                    "--rate",
                    "200",
                    "--count",
                    Integer.toString(n),
                    "--generate",
                    "3",
                    "--generated-dir",
                    tmp.resolve("images").toString(),
                    "--image-size",
                    "32",
                    "--bad-every",
                    "10",
                    "--drain-timeout",
                    "6s",
                    "--grace",
                    "1s",
                    "--run-id",
                    "it1",
                    "--out",
                    out.toString());
        } finally {
            worker.stop();
        }
        assertThat(worker.failure.get()).isNull();
        assertThat(exit).as("FAIL: one id lost, one duplicated").isEqualTo(1);
        // The verdict is taken, not printed: this test passes when the load test says FAIL.
        assertThat(verdict.toString())
                .startsWith("FAIL: sent 40, completed 39 (35 features, 4 dead letters), lost 1, duplicated 1;");

        Report report = ReportJson.read(out.resolve("report.json"));
        Report.Summary s = report.summary();
        assertThat(s.verdict()).isEqualTo("FAIL");
        assertThat(s.sent()).isEqualTo(40);
        assertThat(s.sendFailures()).isZero();
        assertThat(s.completed()).isEqualTo(39);
        assertThat(s.deadLetters()).isEqualTo(4);
        assertThat(s.features()).isEqualTo(35);
        assertThat(s.lost()).isEqualTo(1);
        assertThat(s.duplicated()).isEqualTo(1);
        assertThat(s.duplicateRecords()).isEqualTo(1);
        assertThat(s.unexpected()).isZero();
        assertThat(report.lostIds()).containsExactly("it1-0000007");
        assertThat(report.duplicatedIds()).isEqualTo(Map.of("it1-0000012", 2));
        assertThat(report.deadLettersByCode()).isEqualTo(Map.of("FILE_NOT_FOUND", 4L));
        assertThat(report.outputsByWorker()).isEqualTo(Map.of("fake-worker", 39L));
        // The aborted transaction's copy of ref 20 was never visible: read_committed.
        assertThat(report.duplicatedIds()).doesNotContainKey("it1-0000020");

        // Latency: exactly the delays the worker chose, for every id seen once or more (first copy).
        long[] expected = IntStream.range(0, n)
                .filter(i -> i != 7)
                .mapToLong(delayMs::apply)
                .sorted()
                .toArray();
        assertThat(expected).hasSize(39);
        var latency = report.latencyMs().output();
        assertThat(latency.count()).isEqualTo(39);
        assertThat(latency.min()).isEqualTo(10);
        assertThat(latency.p50()).isEqualTo(nearestRank(expected, 50)).isEqualTo(210);
        assertThat(latency.p90()).isEqualTo(nearestRank(expected, 90)).isEqualTo(370);
        assertThat(latency.p99()).isEqualTo(nearestRank(expected, 99)).isEqualTo(400);
        assertThat(latency.p999()).isEqualTo(400);
        assertThat(latency.max()).isEqualTo(400);
        assertThat(latency.mean())
                .isEqualTo(Math.round(Arrays.stream(expected).average().orElseThrow() * 10) / 10.0);
        // Seen by the verifier: after the commit, so no earlier than the schedule; one per id.
        assertThat(report.latencyMs().seen().count()).isEqualTo(39);
        assertThat(s.negativeLatencies()).isZero();

        assertThat(report.setup().mode()).isEqualTo("fixed-rate");
        assertThat(report.timeline()).isNotEmpty();
        assertThat(report.timeline().stream()
                        .mapToDouble(b -> b.sentPerSecond())
                        .sum())
                .isEqualTo(40.0);
        assertThat(report.timeline().stream()
                        .mapToDouble(b -> b.completedPerSecond())
                        .sum())
                .isEqualTo(39.0);
        assertThat(report.timeline().get(report.timeline().size() - 1).lag()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("report.html"))).contains("<svg", "it1-0000007");
    }

    @Test
    void aCleanRunAsFastAsPossiblePasses(@TempDir Path tmp) throws Exception {
        Topics t = topics();
        FakeWorker worker = new FakeWorker(t, i -> Fate.FEATURE, i -> 5L);
        worker.start();
        Path events = tmp.resolve("events");
        Path out = tmp.resolve("report");
        int exit;
        try {
            Files.writeString(events, "# the test's own event\n" + System.currentTimeMillis() + " worker fake joins\n");
            exit = Main.commandLine()
                    .execute(
                            "run",
                            "--bootstrap-servers",
                            broker.bootstrapServers(),
                            "--input-topic",
                            t.input,
                            "--output-topic",
                            t.output,
                            "--dead-letter-topic",
                            t.deadLetters,
                            "--rate",
                            "max",
                            "--count",
                            "300",
                            "--generate",
                            "2",
                            "--generated-dir",
                            tmp.resolve("images").toString(),
                            "--image-size",
                            "32",
                            "--inline",
                            "--grace",
                            "1s",
                            "--events-file",
                            events.toString(),
                            "--out",
                            out.toString(),
                            "--note",
                            "fake worker");
        } finally {
            worker.stop();
        }
        assertThat(worker.failure.get()).isNull();
        assertThat(exit).isZero();
        Report report = ReportJson.read(out.resolve("report.json"));
        assertThat(report.summary().verdict()).isEqualTo("PASS");
        assertThat(report.summary().completed()).isEqualTo(300);
        assertThat(report.summary().lost()).isZero();
        assertThat(report.summary().duplicated()).isZero();
        assertThat(report.setup().mode()).isEqualTo("as-fast-as-possible");
        assertThat(report.latencyMs().output().max()).isEqualTo(5);
        assertThat(report.events())
                .singleElement()
                .satisfies(e -> assertThat(e.label()).isEqualTo("worker fake joins"));
        assertThat(report.notes()).containsExactly("fake worker");
        assertThat(worker.inline.get()).as("refs carried the image bytes").isTrue();
    }

    static long nearestRank(long[] sorted, double p) {
        return sorted[(int) Math.ceil(p / 100 * sorted.length) - 1];
    }

    record Topics(String input, String output, String deadLetters) {}

    private static Topics topics() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Topics t = new Topics("in-" + suffix, "out-" + suffix, "dead-" + suffix);
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            TopicSetup.ensureTopics(
                    admin,
                    List.of(
                            new NewTopic(t.input, 3, (short) 1),
                            new NewTopic(t.output, 3, (short) 1),
                            new NewTopic(t.deadLetters, 2, (short) 1)),
                    Duration.ofSeconds(60));
        }
        return t;
    }

    /**
     * Stands in for a featurex worker: one transaction per input record (output and consumed
     * offset), with the output timestamp set to the input's plus a chosen delay.
     */
    static final class FakeWorker {
        final Topics topics;
        final IntFunction<Fate> fate;
        final IntFunction<Long> delayMs;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean inline = new AtomicBoolean();
        Thread thread;

        final String bootstrap;

        FakeWorker(Topics topics, IntFunction<Fate> fate, IntFunction<Long> delayMs) {
            this(broker.bootstrapServers(), topics, fate, delayMs);
        }

        FakeWorker(String bootstrap, Topics topics, IntFunction<Fate> fate, IntFunction<Long> delayMs) {
            this.bootstrap = bootstrap;
            this.topics = topics;
            this.fate = fate;
            this.delayMs = delayMs;
        }

        void start() {
            thread = new Thread(this::loop, "fake-worker");
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        private void loop() {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "fake-worker-" + topics.input);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fake-worker-" + topics.input);
            try (KafkaConsumer<byte[], byte[]> consumer =
                            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                    KafkaProducer<byte[], byte[]> producer =
                            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                consumer.subscribe(List.of(topics.input));
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        handle(record, consumer, producer);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        private void handle(
                ConsumerRecord<byte[], byte[]> in,
                KafkaConsumer<byte[], byte[]> consumer,
                KafkaProducer<byte[], byte[]> producer)
                throws Exception {
            ImageRef ref = ImageRef.parseFrom(in.value());
            int index = Integer.parseInt(ref.getAttributesOrThrow("loadtest.index"));
            if (ref.hasInline() || ref.getSourceCase() == ImageRef.SourceCase.INLINE) {
                inline.set(ref.getInline().size() > 0);
            }
            long timestamp = in.timestamp() + delayMs.apply(index);
            SourceCoordinates source = SourceCoordinates.newBuilder()
                    .setTopic(in.topic())
                    .setPartition(in.partition())
                    .setOffset(in.offset())
                    .build();
            ProducerRecord<byte[], byte[]> out;
            if (ref.getUri().contains("missing")) {
                out = new ProducerRecord<>(
                        topics.deadLetters,
                        null,
                        timestamp,
                        ref.getId().getBytes(StandardCharsets.UTF_8),
                        DeadLetter.newBuilder()
                                .setId(ref.getId())
                                .setCode(ErrorCode.FILE_NOT_FOUND)
                                .setMessage("no such file")
                                .setWorkerId("fake-worker")
                                .setSource(source)
                                .setOriginalValue(ByteString.copyFrom(in.value()))
                                .build()
                                .toByteArray());
            } else {
                out = new ProducerRecord<>(
                        topics.output,
                        null,
                        timestamp,
                        ref.getId().getBytes(StandardCharsets.UTF_8),
                        FeatureVector.newBuilder()
                                .setId(ref.getId())
                                .setSourceUri(ref.getUri())
                                .addValues(1f)
                                .setDimension(1)
                                .setWorkerId("fake-worker")
                                .setSource(source)
                                .setEventTime(ref.getEventTime())
                                .build()
                                .toByteArray());
            }
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    Map.of(new TopicPartition(in.topic(), in.partition()), new OffsetAndMetadata(in.offset() + 1));
            switch (fate.apply(index)) {
                case NOTHING -> {
                    producer.beginTransaction();
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                }
                case ABORTED_THEN_FEATURE -> {
                    producer.beginTransaction();
                    producer.send(out);
                    producer.flush();
                    producer.abortTransaction();
                    commit(producer, consumer, List.of(out), offsets);
                }
                case TWICE -> {
                    commit(producer, consumer, List.of(out), Map.of());
                    commit(producer, consumer, List.of(out), offsets);
                }
                default -> commit(producer, consumer, List.of(out), offsets);
            }
        }

        private static void commit(
                KafkaProducer<byte[], byte[]> producer,
                KafkaConsumer<byte[], byte[]> consumer,
                List<ProducerRecord<byte[], byte[]>> records,
                Map<TopicPartition, OffsetAndMetadata> offsets) {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : new ArrayList<>(records)) {
                producer.send(r);
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            producer.commitTransaction();
        }
    }
}
