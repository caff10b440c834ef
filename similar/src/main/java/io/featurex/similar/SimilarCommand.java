package io.featurex.similar;

import io.featurex.worker.BadInputException;
import io.featurex.worker.cli.QuietByDefault;
import io.featurex.worker.cli.SettingHelp;
import io.featurex.worker.cli.VerboseOption;
import io.featurex.worker.config.ConfigException;
import io.featurex.worker.config.ConfigSources;
import io.featurex.worker.config.Setting;
import io.featurex.worker.config.WorkerConfig;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Similar images from the feature topic: an exact k-NN index of one model's vectors, kept
 * current from the topic, queried once from the command line or served over HTTP.
 */
@Command(
        name = "similar",
        mixinStandardHelpOptions = true,
        modelTransformer = SimilarCommand.SettingOptions.class,
        sortOptions = false,
        description = {
            "Index the feature topic (from the beginning, read_committed, one model identity only) and find the "
                    + "nearest images to an indexed id or to an image file, by cosine similarity or Euclidean distance.",
            "With --query-id/--query-image: wait until the index has caught up with the topic, print the ranked "
                    + "neighbours and exit. Without: keep following the topic and serve GET /similar?id=ID&k=&metric=, "
                    + "POST /similar?k=&metric= (image bytes) and GET /stats on --port.",
            "Query by image loads the model from the same settings the workers use (--config, FEATUREX_* or the "
                    + "model/decode flags) and is refused when its identity differs from the index's.",
            "--benchmark N measures exact search on N random vectors instead (no Kafka)."
        })
public final class SimilarCommand implements Callable<Integer>, QuietByDefault {

    /** Worker settings this command reads: where the vectors are, and how to compute a query's. */
    static final List<Setting> SETTINGS = Arrays.stream(Setting.values())
            .filter(s -> s == Setting.BOOTSTRAP_SERVERS
                    || s == Setting.OUTPUT_TOPIC
                    || s == Setting.FETCH_MAX_BYTES
                    || s.key().startsWith("model.")
                    || s.key().startsWith("decode."))
            .toList();

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbosity = new VerboseOption();

    @Option(
            names = "--query-id",
            paramLabel = "ID",
            description = "Print the nearest to this indexed id (itself left out) and exit; repeatable.")
    List<String> queryIds = new ArrayList<>();

    @Option(
            names = "--query-image",
            paramLabel = "FILE",
            description = "Print the nearest to this image file and exit; repeatable.")
    List<Path> queryImages = new ArrayList<>();

    @Option(
            names = {"-k", "--k"},
            paramLabel = "N",
            description = "Neighbours per query. Default: ${DEFAULT-VALUE}.")
    int k = 10;

    @Option(names = "--metric", paramLabel = "METRIC", description = "cosine or euclidean. Default: ${DEFAULT-VALUE}.")
    String metric = "cosine";

    @Option(
            names = "--accept-model",
            paramLabel = "WHICH",
            description =
                    "Which vectors to index: 'first' (the model of the first vector read) or 'configured' (the model "
                            + "the settings load, loaded at start-up). Vectors of any other model are skipped and counted. "
                            + "Default: ${DEFAULT-VALUE}.")
    String acceptModel = "first";

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port when serving. Default: ${DEFAULT-VALUE}.")
    int port = 9401;

    @Option(
            names = "--http-threads",
            paramLabel = "N",
            description = "Requests served at once. Default: ${DEFAULT-VALUE}.")
    int httpThreads = 2;

    @Option(
            names = "--catch-up-timeout",
            paramLabel = "SECONDS",
            description =
                    "One-shot queries: how long to wait for the index to reach the topic's end. Default: ${DEFAULT-VALUE}.")
    int catchUpTimeoutSeconds = 120;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The workers' properties file (keys as in the README).")
    Path configFile;

    @Option(
            names = "--kafka",
            paramLabel = "KEY=VALUE",
            description = "Kafka client property passed through (TLS, SASL, ...); repeatable.")
    Map<String, String> kafka = new LinkedHashMap<>();

    @Option(
            names = "--benchmark",
            paramLabel = "N",
            description = "Measure exact search on N random vectors and exit (no Kafka).")
    Integer benchmark;

    @Option(
            names = "--benchmark-dimension",
            paramLabel = "D",
            description = "Benchmark vector length. Default: ${DEFAULT-VALUE}.")
    int benchmarkDimension = 512;

    @Option(
            names = "--benchmark-seconds",
            paramLabel = "S",
            description = "Benchmark time per measurement. Default: ${DEFAULT-VALUE}.")
    int benchmarkSeconds = 5;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    /** One-shot queries and the benchmark print results to read; serving logs for its operator. */
    @Override
    public boolean quiet() {
        boolean oneShot = !queryIds.isEmpty() || !queryImages.isEmpty() || benchmark != null;
        return oneShot && !verbosity.verbose();
    }

    @Override
    public Integer call() throws Exception {
        Metric m;
        try {
            m = Metric.parse(metric);
            SimilarServer.k(Integer.toString(k));
            if (!acceptModel.equals("first") && !acceptModel.equals("configured")) {
                throw new IllegalArgumentException(
                        "--accept-model must be first or configured, got '" + acceptModel + "'");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (benchmark != null) {
            return new SearchBenchmark(benchmark, benchmarkDimension, k, Duration.ofSeconds(benchmarkSeconds), out)
                    .run();
        }
        WorkerConfig config;
        try {
            config = configure(System.getenv());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        for (Path image : queryImages) {
            if (!Files.isRegularFile(image)) {
                err.println("--query-image " + image + ": no such file");
                return 2;
            }
        }
        try (ImageQueries images = new ImageQueries(config.model(), config.decode())) {
            SimilarityIndex index = acceptModel.equals("configured")
                    ? SimilarityIndex.forModel(images.model())
                    : SimilarityIndex.firstModelWins();
            Map<String, Object> client = new HashMap<>(config.kafka());
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            try (IndexFollower follower = new IndexFollower(client, config.outputTopic(), index).start()) {
                if (queryIds.isEmpty() && queryImages.isEmpty()) {
                    return serve(index, follower, images, config);
                }
                return oneShot(index, follower, images, m);
            }
        }
    }

    private int oneShot(SimilarityIndex index, IndexFollower follower, ImageQueries images, Metric m) throws Exception {
        long start = System.nanoTime();
        try {
            if (!follower.awaitCaughtUp(Duration.ofSeconds(catchUpTimeoutSeconds))) {
                err.printf(
                        "the index did not catch up with %s within %d s (%d vectors so far)%n",
                        follower.topic(), catchUpTimeoutSeconds, index.size());
                return 1;
            }
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        }
        SimilarityIndex.Stats stats = index.stats();
        out.printf(
                Locale.ROOT,
                "index: %d vectors from %s (%d records read in %.1f s)%n",
                stats.vectors(),
                follower.topic(),
                follower.records(),
                (System.nanoTime() - start) / 1e9);
        out.println("model: " + stats.model().map(Models::describe).orElse("(none yet: the topic has no vectors)"));
        if (stats.refused() > 0 || stats.malformed() > 0 || follower.unparseable() > 0) {
            out.printf(
                    "skipped: %d of other models, %d malformed, %d not FeatureVectors%n",
                    stats.refused(), stats.malformed(), follower.unparseable());
        }
        int failures = 0;
        for (String id : queryIds) {
            out.printf("%nquery id %s: %s%n", id, header(m));
            try {
                print(index.nearestToId(id, k, m), m);
            } catch (NoSuchElementException e) {
                err.println(e.getMessage());
                failures++;
            }
        }
        for (Path file : queryImages) {
            out.printf("%nquery image %s: %s%n", file, header(m));
            try {
                ImageQueries.Query q = images.vectorOf(Files.readAllBytes(file));
                print(index.nearest(q.vector(), q.model(), k, m), m);
            } catch (BadInputException e) {
                err.println(file + ": " + e.code() + ": " + e.getMessage());
                failures++;
            } catch (ModelMismatchException e) {
                err.println(file + ": " + e.getMessage());
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private String header(Metric m) {
        return k + " nearest by " + m.key() + (m == Metric.COSINE ? " similarity" : " distance");
    }

    private void print(List<Neighbour> results, Metric m) {
        int idWidth = Math.max(
                2, results.stream().mapToInt(n -> n.id().length()).max().orElse(2));
        out.printf("%4s  %10s  %-" + idWidth + "s  %s%n", "rank", m.scoreName(), "id", "source_uri");
        for (int i = 0; i < results.size(); i++) {
            Neighbour n = results.get(i);
            out.printf(Locale.ROOT, "%4d  %10.6f  %-" + idWidth + "s  %s%n", i + 1, n.score(), n.id(), n.sourceUri());
        }
    }

    private int serve(SimilarityIndex index, IndexFollower follower, ImageQueries images, WorkerConfig config)
            throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        try (SimilarServer server = SimilarServer.start(
                new InetSocketAddress(port),
                index,
                follower,
                images,
                config.fetchLimits().maxBytes(),
                httpThreads)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "featurex-similar-shutdown"));
            out.printf(
                    "following %s; serving GET /similar?id=ID&k=10&metric=cosine, POST /similar (image bytes), GET /stats on :%d%n",
                    follower.topic(), server.port());
            out.flush();
            stopped.await();
        }
        return 0;
    }

    /** The worker's layering over this command's settings; {@code env} is the environment (a parameter for tests). */
    WorkerConfig configure(Map<String, String> env) {
        Map<String, String> flags = ConfigSources.givenFlags(
                SETTINGS,
                s -> {
                    OptionSpec option = spec.findOption(s.flag());
                    return option == null ? null : option.getValue();
                },
                kafka);
        return ConfigSources.layered(configFile, env, flags).workerConfig();
    }

    /**
     * Adds a flag per worker setting this command reads, from the settings catalogue, so names,
     * defaults and help are the worker's own. The output topic is also {@code --feature-topic}.
     */
    public static final class SettingOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            for (Setting s : SETTINGS) {
                String[] names = s == Setting.OUTPUT_TOPIC
                        ? new String[] {s.flag(), "--feature-topic"}
                        : new String[] {s.flag()};
                String description = s == Setting.OUTPUT_TOPIC
                        ? SettingHelp.describe(s, "The feature topic: the workers' output topic.")
                        : SettingHelp.describe(s);
                command.addOption(OptionSpec.builder(names)
                        .paramLabel("VALUE")
                        .type(String.class)
                        .description(description)
                        .build());
            }
            return command;
        }
    }
}
