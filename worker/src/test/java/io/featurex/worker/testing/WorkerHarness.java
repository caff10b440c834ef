package io.featurex.worker.testing;

import io.featurex.v1.DeadLetter;
import io.featurex.v1.FeatureVector;
import io.featurex.worker.config.Setting;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.pipeline.Worker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real worker on the shared test broker, on fresh topics: produce inputs, run, read the
 * outputs back with read_committed. Every wait is bounded.
 */
public final class WorkerHarness implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofMinutes(3);

    public final String input;
    public final String output;
    public final String deadLetters;
    public final String group;
    public final WorkerMetrics metrics = new WorkerMetrics(new PrometheusRegistry());
    public final Health health = new Health();
    private final Worker worker;
    private final Thread loop;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Outputs read so far, by id; duplicates are counted, not hidden. */
    public final Map<String, FeatureVector> features = new LinkedHashMap<>();

    public final Map<String, DeadLetter> deadLetterById = new LinkedHashMap<>();
    /** Headers of each dead letter, by id, values as text. */
    public final Map<String, Map<String, String>> deadLetterHeaders = new LinkedHashMap<>();

    public int duplicates;
    /** Output records already counted: each await reads from the start again, and counts only what is new. */
    private final Set<String> counted = new HashSet<>();

    public WorkerHarness(FeatureExtractor extractor, int partitions, Map<String, String> settings) {
        // Tests of several input topics name them (created already); the first is the one send() feeds.
        String named = settings.get(Setting.INPUT_TOPIC.key());
        input = named != null ? named.split(",")[0].trim() : TestKafka.newTopic("images", partitions);
        output = settings.containsKey(Setting.OUTPUT_TOPIC.key())
                ? settings.get(Setting.OUTPUT_TOPIC.key())
                : TestKafka.newTopic("features", partitions);
        deadLetters = settings.containsKey(Setting.DEAD_LETTER_TOPIC.key())
                ? settings.get(Setting.DEAD_LETTER_TOPIC.key())
                : TestKafka.newTopic("dead-letters", 1);
        group = TestKafka.newGroupId("worker");
        Map<String, String> raw = new HashMap<>(settings);
        // The tests' model is given, not measured: batch.max-size=auto would spend seconds per test on it.
        raw.putIfAbsent(Setting.BATCH_MAX_SIZE.key(), "8");
        raw.put(Setting.BOOTSTRAP_SERVERS.key(), TestKafka.bootstrapServers());
        raw.putIfAbsent(Setting.INPUT_TOPIC.key(), input);
        raw.put(Setting.OUTPUT_TOPIC.key(), output);
        raw.put(Setting.DEAD_LETTER_TOPIC.key(), deadLetters);
        raw.put(Setting.GROUP_ID.key(), group);
        raw.put(Setting.METRICS_PORT.key(), "-1");
        worker = new Worker(WorkerConfig.from(raw), extractor, metrics, health);
        loop = new Thread(
                () -> {
                    try {
                        worker.run();
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                },
                "test-worker-" + input);
    }

    public WorkerHarness start() {
        loop.start();
        return this;
    }

    /** Whether the worker's loop is still running (it has neither failed nor been stopped). */
    public boolean running() {
        return loop.isAlive() && failure.get() == null;
    }

    /** Sends raw record values (ImageRef bytes, or anything else) in order, keyed by index. */
    public void send(List<byte[]> values) {
        send(input, values);
    }

    public void send(String topic, List<byte[]> values) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(TestKafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i).getBytes(), values.get(i)));
            }
            producer.flush();
        }
    }

    /** Reads outputs until {@code expected} records arrived (or the timeout; the caller asserts). */
    public WorkerHarness awaitOutputs(int expected) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                TestKafka.consumerConfig(TestKafka.newGroupId("reader")),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(output, deadLetters));
            while (features.size() + deadLetterById.size() + duplicates < expected && System.nanoTime() < deadline) {
                if (failure.get() != null) {
                    throw new AssertionError("worker failed", failure.get());
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!counted.add(record.topic() + "-" + record.partition() + "-" + record.offset())) {
                        continue;
                    }
                    if (record.topic().equals(output)) {
                        FeatureVector v = FeatureVector.parseFrom(record.value());
                        if (features.put(v.getId(), v) != null) {
                            duplicates++;
                        }
                    } else {
                        DeadLetter d = DeadLetter.parseFrom(record.value());
                        if (deadLetterById.put(d.getId(), d) != null) {
                            duplicates++;
                        }
                        Map<String, String> headers = new LinkedHashMap<>();
                        record.headers()
                                .forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                        deadLetterHeaders.put(d.getId(), headers);
                    }
                }
            }
            // A little longer: anything beyond the expected count is a duplicate or a stray.
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                if (counted.add(record.topic() + "-" + record.partition() + "-" + record.offset())) {
                    duplicates++;
                }
            }
        }
        return this;
    }

    /** Committed offsets of the worker's group, summed over the input partitions. */
    public long committedOffsets() throws Exception {
        return TestKafka.admin()
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .values()
                .stream()
                .mapToLong(o -> o == null ? 0 : o.offset())
                .sum();
    }

    public double counter(String name) {
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (snapshot.getMetadata().getPrometheusName().equals(name)
                    && snapshot instanceof CounterSnapshot counter) {
                return counter.getDataPoints().stream()
                        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                        .sum();
            }
        }
        throw new AssertionError("no counter " + name);
    }

    /** A gauge's value summed over its series; NaN when it has none yet. */
    public double gauge(String name) {
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (snapshot.getMetadata().getPrometheusName().equals(name) && snapshot instanceof GaugeSnapshot gauge) {
                return gauge.getDataPoints().isEmpty()
                        ? Double.NaN
                        : gauge.getDataPoints().stream()
                                .mapToDouble(GaugeSnapshot.GaugeDataPointSnapshot::getValue)
                                .sum();
            }
        }
        throw new AssertionError("no gauge " + name);
    }

    /** Histogram observations summed over its series (e.g. all stages). */
    public long histogramCount(String name, String label, String value) {
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (snapshot.getMetadata().getPrometheusName().equals(name)
                    && snapshot instanceof HistogramSnapshot histogram) {
                return histogram.getDataPoints().stream()
                        .filter(d -> label == null || value.equals(d.getLabels().get(label)))
                        .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount)
                        .sum();
            }
        }
        throw new AssertionError("no histogram " + name);
    }

    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        worker.stop();
        try {
            loop.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.close();
        if (failure.get() != null) {
            throw new AssertionError("worker failed", failure.get());
        }
    }
}
