package io.featurex.bench;

import io.featurex.embedded.EmbeddedKafkaBroker;
import io.featurex.topics.TopicSetup;
import io.featurex.v1.ImageRef;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.kafka.KafkaClients;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.pipeline.Worker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the pipeline can hand to a model: images/s through fetch, decode and batching when the
 * model stage is replaced by one that discards each batch ({@link DiscardingModel}, a measurement
 * of the bench alone), for {@code file:} refs and for {@code http:} refs from an in-process server
 * that answers each request after an injected latency, at one decode thread and at one per core.
 * A real worker (its loop, its Kafka transactions, an in-process KRaft broker) does everything else.
 */
final class FeedSection {

    record Settings(
            List<Path> images,
            int refs,
            List<Integer> latenciesMs,
            List<Integer> decodeThreads,
            int batchMaxSize,
            String preprocessing,
            int rounds) {}

    /** One measured case. @param latencyMs null for file: refs */
    record Row(String source, Integer latencyMs, int decodeThreads, double imagesPerSecond, double foreignCores) {

        double perDecodeThread() {
            return imagesPerSecond / decodeThreads;
        }
    }

    record Result(List<Row> rows, int refs, String images) {

        /** The file: row with the same decode threads, the reference an http: row is measured against. */
        Row fileRow(int decodeThreads) {
            return rows.stream()
                    .filter(r -> r.latencyMs() == null && r.decodeThreads() == decodeThreads)
                    .findFirst()
                    .orElse(null);
        }
    }

    private static final Duration CASE_TIMEOUT = Duration.ofMinutes(5);

    private final Settings settings;
    private final PrintStream progress;

    FeedSection(Settings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    Result run() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (LatencyServer http = new LatencyServer(settings.images());
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            progress.println("bench: feed warm-up (not reported)");
            measure(broker, http, null, settings.decodeThreads().get(0));
            // Rounds interleaved, so a slow spell of the machine falls on every case alike; each keeps its best.
            for (int round = 0; round < settings.rounds(); round++) {
                int i = 0;
                for (int threads : settings.decodeThreads()) {
                    i = keepBest(rows, i, measure(broker, http, null, threads));
                    for (int latency : settings.latenciesMs()) {
                        i = keepBest(rows, i, measure(broker, http, latency, threads));
                    }
                }
            }
        }
        return new Result(
                rows,
                settings.refs(),
                settings.images().size() + " images from " + LatencyServer.commonFolder(settings.images()));
    }

    private static int keepBest(List<Row> rows, int index, Row row) {
        if (index == rows.size()) {
            rows.add(row);
        } else if (row.imagesPerSecond() > rows.get(index).imagesPerSecond()) {
            rows.set(index, row);
        }
        return index + 1;
    }

    private Row measure(EmbeddedKafkaBroker broker, LatencyServer http, Integer latencyMs, int decodeThreads)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "feed-in-" + run;
        String output = "feed-out-" + run;
        String deadLetters = "feed-dlq-" + run;
        Map<String, String> raw = new HashMap<>();
        raw.put("bootstrap.servers", broker.bootstrapServers());
        raw.put("input.topic", input);
        raw.put("output.topic", output);
        raw.put("dead-letter.topic", deadLetters);
        raw.put("group.id", "feed-" + run);
        raw.put("worker.id", "feed-" + run);
        raw.put("metrics.port", "-1");
        raw.put("batch.max-size", Integer.toString(settings.batchMaxSize()));
        raw.put("pipeline.decode-threads", Integer.toString(decodeThreads));
        raw.put("model.preprocessing", settings.preprocessing());
        raw.put(
                "fetch.file-roots",
                LatencyServer.commonFolder(settings.images()).toString());
        raw.put("fetch.allow-private-addresses", "true"); // the bench's own server on loopback
        raw.put("fetch.timeout-ms", "60000");
        WorkerConfig config = WorkerConfig.from(raw);
        try (Admin admin = Admin.create(KafkaClients.admin(config))) {
            TopicSetup.ensureTopics(
                    admin,
                    List.of(
                            new NewTopic(input, 1, (short) 1),
                            new NewTopic(output, 1, (short) 1),
                            new NewTopic(deadLetters, 1, (short) 1)),
                    Duration.ofSeconds(60));
        }
        produce(broker.bootstrapServers(), input, http, latencyMs);
        String label = latencyMs == null ? "file:" : "http: +" + latencyMs + " ms";
        progress.printf(
                Locale.ROOT,
                "bench: feed %-14s %d decode thread%s, %d refs",
                label,
                decodeThreads,
                decodeThreads == 1 ? "" : "s",
                settings.refs());

        DiscardingModel model = new DiscardingModel(settings.refs(), settings.preprocessing());
        Health health = new Health();
        WorkerMetrics metrics = new WorkerMetrics(new PrometheusRegistry());
        HostLoad.Snapshot before;
        HostLoad.Snapshot after;
        try (Worker worker = new Worker(config, model, metrics, health)) {
            Thread loop = new Thread(worker::run, "bench-feed-worker");
            loop.setDaemon(true);
            before = HostLoad.now(ProcessHandle.current().pid());
            loop.start();
            long deadline = System.nanoTime() + CASE_TIMEOUT.toNanos();
            while (metrics.outputs() < settings.refs() && System.nanoTime() < deadline && loop.isAlive()) {
                Thread.sleep(20);
            }
            after = HostLoad.now(ProcessHandle.current().pid());
            worker.stop();
            loop.join(TimeUnit.SECONDS.toMillis(30));
            if (metrics.outputs() < settings.refs()) {
                throw new IllegalStateException("feed case " + label + ": " + metrics.outputs() + " of "
                        + settings.refs() + " outputs within " + CASE_TIMEOUT + " (health: " + health.state() + ")");
            }
        }
        if (metrics.deadLetters() > 0) {
            throw new IllegalStateException("feed case " + label + ": " + metrics.deadLetters() + " of "
                    + settings.refs() + " images were dead-lettered: "
                    + DeadLetters.summary(broker.bootstrapServers(), deadLetters));
        }
        double rate = model.steadyRate();
        double others = HostLoad.foreignCores(before, after);
        progress.printf(Locale.ROOT, ": %s images/s (other processes: %.2f cores)%n", Format.rate(rate), others);
        return new Row(latencyMs == null ? "file:" : "http:", latencyMs, decodeThreads, rate, others);
    }

    private void produce(String bootstrap, String topic, LatencyServer http, Integer latencyMs) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < settings.refs(); i++) {
                Path file = settings.images().get(i % settings.images().size());
                String uri = latencyMs == null ? file.toUri().toString() : http.uri(file, latencyMs);
                producer.send(new ProducerRecord<>(
                        topic,
                        ImageRef.newBuilder()
                                .setId("img-" + i)
                                .setUri(uri)
                                .build()
                                .toByteArray()));
            }
            producer.flush();
        }
    }
}
