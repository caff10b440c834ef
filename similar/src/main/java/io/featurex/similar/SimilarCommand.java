package io.featurex.similar;

import io.featurex.worker.cli.QuietByDefault;
import io.featurex.worker.cli.SettingHelp;
import io.featurex.worker.cli.VerboseOption;
import io.featurex.worker.config.BindHost;
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
import java.util.Map;
import java.util.Optional;
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
                    + "POST /similar?k=&metric= (image bytes), GET /stats and GET /healthz on --bind-address and --port; "
                    + "with --token-file or " + BearerToken.ENV + ", /similar and /stats want that bearer token.",
            "Query by image loads the model from the same settings the workers use (--config, FEATUREX_* or the "
                    + "model/decode flags) and is refused when its identity differs from the index's.",
            "--index exact (default) scores every vector per query, in memory, re-reading the topic on every start. "
                    + "--index hnsw searches Lucene's HNSW graph (approximate: see --hnsw-*), optionally int8-quantized; "
                    + "with --index-dir the index and the offsets read are committed together there, and a restart "
                    + "resumes from them. An HNSW graph is built for one metric, --metric: a query for the other is "
                    + "refused (HTTP 400) rather than answered by a full scan, which would be seconds per query at a "
                    + "million vectors; use --index exact to choose the metric per query.",
            "--benchmark N[,N...] measures exact and HNSW search on N synthetic vectors instead (no Kafka)."
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

    @Option(
            names = "--metric",
            paramLabel = "METRIC",
            description = "cosine or euclidean: the queries' default; for --index hnsw the only metric the graph "
                    + "answers. Default: ${DEFAULT-VALUE}.")
    String metric = "cosine";

    @Option(
            names = "--index",
            paramLabel = "KIND",
            description = "exact (brute force, in memory) or hnsw (Lucene's HNSW graph). Default: ${DEFAULT-VALUE}.")
    String indexKind = "exact";

    @Option(
            names = "--index-dir",
            paramLabel = "DIR",
            description =
                    "hnsw: keep the index and the offsets read in DIR, committed together, and resume from them on "
                            + "restart. An index made for another model identity, metric or quantization, or from another "
                            + "topic, is refused. Without: in memory, the topic is read again on every start.")
    Path indexDir;

    @Option(
            names = "--hnsw-m",
            paramLabel = "M",
            description = "hnsw: neighbours per node in the graph (more: better recall, bigger, slower to build). "
                    + "Default: ${DEFAULT-VALUE}.")
    int hnswM = IndexSettings.DEFAULT_M;

    @Option(
            names = "--hnsw-beam-width",
            paramLabel = "N",
            description =
                    "hnsw: candidates considered when a vector is inserted (more: better graph, slower to build). "
                            + "Default: ${DEFAULT-VALUE}.")
    int hnswBeamWidth = IndexSettings.DEFAULT_BEAM_WIDTH;

    @Option(
            names = "--hnsw-candidates",
            paramLabel = "N",
            description = "hnsw: candidates each query collects from the graph before the k best are kept, ranked by "
                    + "their float vectors (more: better recall, slower queries). Default: ${DEFAULT-VALUE}.")
    int hnswCandidates = IndexSettings.DEFAULT_NUM_CANDIDATES;

    @Option(
            names = "--quantization",
            paramLabel = "Q",
            description = "hnsw: none (float32) or int8 (Lucene's scalar quantization: the graph search reads a byte a "
                    + "dimension; the floats stay on disk for the final ranking). Default: ${DEFAULT-VALUE}.")
    String quantization = "none";

    @Option(
            names = "--index-ram-buffer-mb",
            paramLabel = "MB",
            description = "hnsw: vectors buffered in memory before a segment is written. Default: ${DEFAULT-VALUE}.")
    int indexRamBufferMb = IndexSettings.DEFAULT_RAM_BUFFER_MB;

    @Option(
            names = "--index-commit-seconds",
            paramLabel = "S",
            description = "hnsw with --index-dir: how often the index and its offsets are committed (also on catching "
                    + "up and on exit); a crash re-reads at most this much. Default: ${DEFAULT-VALUE}.")
    int indexCommitSeconds = (int) IndexSettings.DEFAULT_COMMIT_EVERY.toSeconds();

    @Option(
            names = "--index-merge-threads",
            paramLabel = "N",
            description = "hnsw: threads that build a merged segment's graph together. After catching up with the "
                    + "topic the index is merged into one segment in the background (each segment is a graph every "
                    + "query searches). Default: the machine's cores (${DEFAULT-VALUE}).")
    int indexMergeThreads = IndexSettings.DEFAULT_MERGE_THREADS;

    @Option(
            names = "--accept-model",
            paramLabel = "WHICH",
            description =
                    "Which vectors to index: 'first' (the model of the first vector read) or 'configured' (the model "
                            + "the settings load, loaded at start-up). Vectors of any other model are skipped and counted. "
                            + "Default: ${DEFAULT-VALUE}.")
    String acceptModel = "first";

    @Option(
            names = "--bind-address",
            paramLabel = "HOST",
            description = "Address to listen on when serving: an IP address or a host name. Default: ${DEFAULT-VALUE}, "
                    + "every interface (IPv6 too where the host has it); 127.0.0.1 keeps the API to this host.")
    String bindAddress = "0.0.0.0";

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port when serving. Default: ${DEFAULT-VALUE}.")
    int port = 9401;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "Serve /similar and /stats only to requests with the header Authorization: Bearer TOKEN, "
                    + "TOKEN being this file's content (a trailing newline ignored); or give TOKEN in "
                    + BearerToken.ENV
                    + ". Neither: they are open. /healthz is open either way.")
    Path tokenFile;

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
            split = ",",
            description = "Measure exact and HNSW search on N synthetic vectors (each N of a list in turn), print the "
                    + "table and exit (no Kafka). Each graph is built with the service's buffers; where that leaves "
                    + "several segments it is measured as flushed, then merged into one as the service merges it on "
                    + "catching up, and measured again.")
    List<Integer> benchmark;

    @Option(
            names = "--benchmark-data",
            paramLabel = "KIND",
            split = ",",
            description = "Benchmark vectors, each kind of a list in turn: clustered (around 1,000 centres, like "
                    + "photos of similar things, varying along 24 latent directions), clustered:L (along L, the "
                    + "same spread), random, or seeded-vgg16 (the seeded VGG16's vectors of rendered scenes, "
                    + "4 photos of each: made once into --benchmark-dir, and read from there after; about 21 "
                    + "images/s on two cores with AVX-512 BF16, 3 on two AVX2 cores in float32), seeded-vgg16:S "
                    + "(the same scenes drawn smaller, the network run on S x S pixels, S in 32..224: 35 "
                    + "images/s at 64 on the AVX2 cores). Each prints the intrinsic dimension its queries see. "
                    + "Default: ${DEFAULT-VALUE}.")
    List<String> benchmarkData = new ArrayList<>(List.of("clustered"));

    @Option(
            names = "--benchmark-graphs",
            paramLabel = "M:BEAM:Q",
            split = ",",
            description = "HNSW indexes to build, each M:beam-width:quantization. Default: 16:100:none,16:100:int8.")
    List<String> benchmarkGraphs = new ArrayList<>(List.of("16:100:none", "16:100:int8"));

    @Option(
            names = "--benchmark-candidates",
            paramLabel = "N",
            split = ",",
            description = "Candidates per query to measure each graph with. Default: 20,50,100,200.")
    List<Integer> benchmarkCandidates = new ArrayList<>(List.of(20, 50, 100, 200));

    @Option(
            names = "--benchmark-queries",
            paramLabel = "N",
            description = "Queries whose recall is measured against exact search. Default: ${DEFAULT-VALUE}.")
    int benchmarkQueries = 200;

    @Option(
            names = "--benchmark-dir",
            paramLabel = "DIR",
            description =
                    "Where the benchmark's HNSW indexes are written, and kept (each size and graph its own folder). "
                            + "Default: a temporary directory, deleted after.")
    Path benchmarkDir;

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
        BearerToken token;
        IndexSettings indexSettings;
        try {
            m = Metric.parse(metric);
            indexSettings = IndexSettings.of(
                    indexKind,
                    metric,
                    hnswM,
                    hnswBeamWidth,
                    hnswCandidates,
                    quantization,
                    indexDir,
                    indexRamBufferMb,
                    indexCommitSeconds,
                    indexMergeThreads);
            Optional<String> badAddress = BindHost.problem(bindAddress);
            if (badAddress.isPresent()) {
                throw new IllegalArgumentException("--bind-address " + badAddress.get());
            }
            token = BearerToken.from(tokenFile, System.getenv()).orElse(null);
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
            BenchmarkPlan plan;
            try {
                plan = BenchmarkPlan.of(
                        benchmark,
                        benchmarkDimension,
                        k,
                        benchmarkData,
                        benchmarkGraphs,
                        benchmarkCandidates,
                        benchmarkQueries,
                        Duration.ofSeconds(benchmarkSeconds),
                        benchmarkDir);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 2;
            }
            return new SearchBenchmark(plan, out).run();
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
            SimilarityIndex opened;
            try {
                opened = SimilarityIndex.open(indexSettings, acceptModel.equals("configured") ? images.model() : null);
            } catch (IllegalStateException e) {
                err.println(e.getMessage());
                return 2;
            }
            try {
                opened.resumeOffsets(config.outputTopic());
            } catch (IllegalStateException e) {
                opened.close();
                err.println(e.getMessage());
                return 2;
            }
            Map<String, Object> client = new HashMap<>(config.kafka());
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            try (SimilarityIndex index = opened;
                    IndexFollower follower = new IndexFollower(client, config.outputTopic(), index).start()) {
                if (queryIds.isEmpty() && queryImages.isEmpty()) {
                    return serve(index, follower, images, config, token);
                }
                return new OneShotQueries(queryIds, queryImages, k, m, catchUpTimeoutSeconds, out, err)
                        .run(index, follower, images);
            }
        }
    }

    private int serve(
            SimilarityIndex index, IndexFollower follower, ImageQueries images, WorkerConfig config, BearerToken token)
            throws Exception {
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        if (address.isUnresolved()) {
            err.println("--bind-address '" + bindAddress + "' does not resolve to an address");
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (SimilarServer server = SimilarServer.start(
                address, index, follower, images, config.fetchLimits().maxBytes(), httpThreads, token)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "featurex-similar-shutdown"));
            out.printf(
                    "following %s; serving GET /similar?id=ID&k=10&metric=cosine, POST /similar (image bytes), GET /stats"
                            + " (%s) and GET /healthz on %s:%d%n",
                    follower.topic(),
                    token == null ? "open to all" : "bearer token required",
                    bindAddress,
                    server.port());
            out.flush();
            stopped.await();
        }
        return 0;
    }

    /**
     * The worker's layering over this command's settings; {@code env} is the environment (a
     * parameter for tests), where the token's variable is this command's own, not a worker setting.
     */
    WorkerConfig configure(Map<String, String> env) {
        Map<String, String> settingsEnv = new HashMap<>(env);
        settingsEnv.remove(BearerToken.ENV);
        Map<String, String> flags = ConfigSources.givenFlags(
                SETTINGS,
                s -> {
                    OptionSpec option = spec.findOption(s.flag());
                    return option == null ? null : option.getValue();
                },
                kafka);
        return ConfigSources.layered(configFile, settingsEnv, flags).workerConfig();
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
