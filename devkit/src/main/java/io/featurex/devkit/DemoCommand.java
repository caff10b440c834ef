package io.featurex.devkit;

import io.featurex.embedded.EmbeddedKafkaBroker;
import io.featurex.embedded.SampleImages;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.worker.cli.QuietByDefault;
import io.featurex.worker.cli.VerboseOption;
import io.featurex.worker.config.Setting;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.Vectors;
import io.featurex.worker.kafka.WorkerTopics;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.pipeline.Worker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole path on one machine with no arguments: an in-process Kafka broker, sample images,
 * a worker, and the features read back and compared.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start an in-process Kafka broker, send image refs for the built-in samples (or --images DIR), "
                + "run a worker, and print the features, their cosine similarities and the throughput.")
final class DemoCommand implements Callable<Integer>, QuietByDefault {

    @Mixin
    VerboseOption verbosity = new VerboseOption();

    @Override
    public boolean quiet() {
        return !verbosity.verbose();
    }

    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(5);

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "Folder of images to use instead of the built-in samples.")
    Path images;

    @Option(
            names = "--weights",
            paramLabel = "FILE",
            description = "Weights file (DJL .params); default: seeded random weights.")
    String weights = "";

    @Option(names = "--batch-size", paramLabel = "N", description = "Largest micro-batch. Default: ${DEFAULT-VALUE}.")
    int batchSize = 4;

    @Option(
            names = "--width-divisor",
            paramLabel = "N",
            description = "Shrink every layer by N (1 = VGG16). Default: ${DEFAULT-VALUE}.")
    int widthDivisor = 1;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Path workDir = Files.createTempDirectory("featurex-demo-");
        try {
            List<Path> files = images == null
                    ? SampleImages.extractBuiltIn(workDir)
                    : SampleImages.inFolder(images.toAbsolutePath());
            if (files.isEmpty()) {
                System.err.println("no images (.jpg, .jpeg, .png, .gif, .bmp) in " + images);
                return 2;
            }
            Path root = images == null ? workDir : images.toAbsolutePath();
            return run(files, root);
        } finally {
            deleteTree(workDir);
        }
    }

    private int run(List<Path> files, Path root) throws Exception {
        long brokerStart = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            out.printf(
                    "featurex demo: in-process Kafka broker at %s (started in %.1f s)%n",
                    broker.bootstrapServers(), seconds(brokerStart));
            WorkerConfig config = WorkerConfig.from(Map.of(
                    Setting.BOOTSTRAP_SERVERS.key(),
                    broker.bootstrapServers(),
                    Setting.FETCH_FILE_ROOTS.key(),
                    root.toString(),
                    Setting.MODEL_WEIGHTS.key(),
                    weights,
                    Setting.MODEL_WIDTH_DIVISOR.key(),
                    Integer.toString(widthDivisor),
                    Setting.BATCH_MAX_SIZE.key(),
                    Integer.toString(batchSize),
                    Setting.METRICS_PORT.key(),
                    "-1",
                    Setting.TOPICS_CREATE.key(),
                    "true",
                    Setting.TOPICS_PARTITIONS.key(),
                    "3",
                    Setting.GROUP_ID.key(),
                    "featurex-demo"));
            WorkerTopics.prepare(config);

            long modelStart = System.nanoTime();
            try (FeatureExtractor extractor = ModelLoader.load(config.model())) {
                out.printf("model: %s (loaded in %.1f s)%n", extractor.info().summary(), seconds(modelStart));
                if (extractor.info().randomWeights()) {
                    out.println(
                            "       RANDOM WEIGHTS: the vectors show the pipeline works, not what ImageNet weights would see.");
                }
                return runWorker(config, extractor, files);
            }
        }
    }

    private int runWorker(WorkerConfig config, FeatureExtractor extractor, List<Path> files) throws Exception {
        Health health = new Health();
        try (Worker worker = new Worker(config, extractor, new WorkerMetrics(new PrometheusRegistry()), health)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread loop = new Thread(
                    () -> {
                        try {
                            worker.run();
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    },
                    "featurex-worker");
            loop.start();

            long started = System.nanoTime();
            List<String> ids = produce(config, files);
            out.printf(
                    "sent %d image refs to %s%n%n",
                    ids.size(), config.inputs().names().get(0));
            Results results = collect(config, ids.size(), failure);
            double elapsed = seconds(started);
            worker.stop();
            loop.join(config.shutdownTimeout().toMillis());
            if (failure.get() != null) {
                System.err.println("worker failed: " + failure.get());
                return 1;
            }
            print(ids, results, elapsed);
            return results.features.size() + results.deadLetters.size() == ids.size() ? 0 : 1;
        }
    }

    private List<String> produce(WorkerConfig config, List<Path> files) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Path file : files) {
                String id = file.getFileName().toString();
                ImageRef ref = ImageRef.newBuilder()
                        .setId(id)
                        .setUri(file.toUri().toString())
                        .putAttributes("source", "featurex-demo")
                        .build();
                producer.send(new ProducerRecord<>(config.inputs().names().get(0), id.getBytes(), ref.toByteArray()));
                ids.add(id);
            }
            producer.flush();
        }
        return ids;
    }

    private record Results(Map<String, FeatureVector> features, Map<String, DeadLetter> deadLetters) {}

    private Results collect(WorkerConfig config, int expected, AtomicReference<Throwable> failure) throws IOException {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "featurex-demo-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, FeatureVector> features = new LinkedHashMap<>();
        Map<String, DeadLetter> deadLetters = new LinkedHashMap<>();
        long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.outputTopic(), config.deadLetterTopic()));
            while (features.size() + deadLetters.size() < expected
                    && System.nanoTime() < deadline
                    && failure.get() == null) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(config.outputTopic())) {
                        FeatureVector v = FeatureVector.parseFrom(record.value());
                        features.put(v.getId(), v);
                    } else {
                        DeadLetter d = DeadLetter.parseFrom(record.value());
                        deadLetters.put(d.getId(), d);
                    }
                }
            }
        }
        return new Results(features, deadLetters);
    }

    private void print(List<String> ids, Results results, double elapsed) {
        out.printf("%-24s %5s  %s%n", "id", "dim", "first values");
        List<String> withFeatures = new ArrayList<>();
        for (String id : ids) {
            FeatureVector v = results.features.get(id);
            if (v != null) {
                withFeatures.add(id);
                StringBuilder first = new StringBuilder();
                for (int i = 0; i < Math.min(5, v.getValuesCount()); i++) {
                    first.append(String.format(Locale.ROOT, "%8.4f", v.getValues(i)));
                }
                out.printf("%-24s %5d  %s ...%n", abbreviate(id, 24), v.getDimension(), first);
            } else if (results.deadLetters.containsKey(id)) {
                DeadLetter d = results.deadLetters.get(id);
                out.printf("%-24s  DEAD LETTER %s: %s%n", abbreviate(id, 24), d.getCode(), d.getMessage());
            } else {
                out.printf("%-24s  MISSING (no output within %s)%n", abbreviate(id, 24), RESULT_TIMEOUT);
            }
        }
        if (withFeatures.size() > 1) {
            out.printf("%ncosine similarity%n%-12s", "");
            for (String id : withFeatures) {
                out.printf(" %10s", abbreviate(stem(id), 10));
            }
            out.println();
            for (String a : withFeatures) {
                out.printf("%-12s", abbreviate(stem(a), 12));
                float[] va = Vectors.of(results.features.get(a));
                for (String b : withFeatures) {
                    out.printf(Locale.ROOT, " %10.3f", Vectors.cosine(va, Vectors.of(results.features.get(b))));
                }
                out.println();
            }
        }
        int done = results.features.size() + results.deadLetters.size();
        out.printf(
                Locale.ROOT,
                "%n%d features, %d dead letters, %d missing, in %.2f s end to end: %.2f images/s%n",
                results.features.size(),
                results.deadLetters.size(),
                ids.size() - done,
                elapsed,
                done / elapsed);
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String abbreviate(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
