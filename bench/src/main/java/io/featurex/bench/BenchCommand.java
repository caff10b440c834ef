package io.featurex.bench;

import io.featurex.worker.infer.ModelSpec;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code featurex bench}: one table, everything in it measured in the same run. See
 * BENCHMARKS.md for a run on the reference machine and what it shows.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measure featurex and print one table: model-only images/s per batch size and precision with peak memory; "
                    + "libtorch matmul GFLOP/s and the model's achieved GFLOP/s; end-to-end images/s through a real broker "
                    + "in its own process, against model-only; Python peers (batched, and naive one-image-per-forward) on the "
                    + "same images, weights and broker; worker memory with a large backlog. Ratios are compared with the "
                    + "throughput goals.",
            "Needs /usr/bin/python3 with Debian's python3-torch, python3-torchvision, python3-pil, "
                    + "python3-confluent-kafka, python3-protobuf and protoc (protobuf-compiler): the seeded VGG16 weights "
                    + "both sides run are exported by torchvision. bench/run.sh checks all of that first."
        })
public final class BenchCommand implements Callable<Integer> {

    static final String MODEL = "model";
    static final String E2E = "e2e";
    static final String FEED = "feed";
    static final String DECODE = "decode";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--sections",
            split = ",",
            paramLabel = "S",
            description =
                    "What to measure: model (model-only), e2e (end-to-end and backlog), feed (what fetch and decode can hand a "
                            + "model: no Python, no weights; quick alone), decode (decode + resize ms per image against Pillow, on the samples "
                            + "and the large photos). Default: ${DEFAULT-VALUE}.")
    List<String> sections = new ArrayList<>(List.of(MODEL, E2E, FEED, DECODE));

    @Option(
            names = "--decode-runs",
            paramLabel = "N",
            description = "Timed runs per file in the decode section. Default: ${DEFAULT-VALUE}.")
    int decodeRuns = 3;

    @Option(
            names = "--feed-rounds",
            paramLabel = "N",
            description = "Rounds of the feed cases; each reports its best. Default: ${DEFAULT-VALUE}.")
    int feedRounds = 2;

    @Option(names = "--feed-refs", paramLabel = "N", description = "Refs per feed case. Default: ${DEFAULT-VALUE}.")
    int feedRefs = 1000;

    @Option(
            names = "--feed-latencies",
            split = ",",
            paramLabel = "MS",
            description = "Latencies the feed's in-process http server answers after. Default: ${DEFAULT-VALUE}.")
    List<Integer> feedLatencies = new ArrayList<>(List.of(0, 20, 50, 200));

    @Option(
            names = "--feed-decode-threads",
            split = ",",
            paramLabel = "N",
            description = "Decode threads of the feed cases; default: 1 and one per core.")
    List<Integer> feedDecodeThreads;

    @Option(
            names = "--feed-batch",
            paramLabel = "N",
            description = "batch.max-size of the feed cases. Default: ${DEFAULT-VALUE}.")
    int feedBatch = 32;

    @Option(
            names = "--batch-sizes",
            split = ",",
            paramLabel = "N",
            description = "Model-only batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batchSizes = new ArrayList<>(List.of(1, 4, 8, 16));

    @Option(
            names = "--precisions",
            split = ",",
            paramLabel = "P",
            description = "fp32 and/or bf16. Default: ${DEFAULT-VALUE}.")
    List<String> precisions = new ArrayList<>(List.of("fp32", "bf16"));

    @Option(
            names = "--rounds",
            paramLabel = "N",
            description = "Interleaved model-only rounds; each cell reports its best. Default: ${DEFAULT-VALUE}.")
    int rounds = 2;

    @Option(
            names = "--retries",
            paramLabel = "N",
            description =
                    "Extra passes over model-only cells and end-to-end runs whose best try saw other processes use more than --max-others cores. Default: ${DEFAULT-VALUE}.")
    int retries = 1;

    @Option(
            names = "--max-others",
            paramLabel = "CORES",
            description =
                    "CPU other processes may take during a measurement before it is retried. Default: ${DEFAULT-VALUE}.")
    double maxOthers = 0.25;

    @Option(
            names = "--model-seconds",
            paramLabel = "S",
            description = "Least time per model-only cell, after one warm-up batch. Default: ${DEFAULT-VALUE}.")
    double modelSeconds = 3.0;

    @Option(
            names = "--matmul-size",
            paramLabel = "N",
            description = "Side of the square matrices of the matmul probe. Default: ${DEFAULT-VALUE}.")
    int matmulSize = 2048;

    @Option(
            names = "--refs",
            paramLabel = "N",
            description = "Image refs per end-to-end wave (one worker, one image set). Default: ${DEFAULT-VALUE}.")
    int refs = 100;

    @Option(
            names = "--e2e-rounds",
            paramLabel = "N",
            description =
                    "End-to-end rounds: a wave of every worker on every set, in turn (workers stay up between waves); each row reports its fastest wave. Default: ${DEFAULT-VALUE}.")
    int e2eRounds = 2;

    @Option(
            names = "--sets",
            split = ",",
            paramLabel = "SET",
            description =
                    "Image sets for end-to-end runs: samples, mixed (samples + large photos). Default: ${DEFAULT-VALUE}.")
    List<String> sets = new ArrayList<>(List.of("samples", "mixed"));

    @Option(
            names = "--workers",
            split = ",",
            paramLabel = "W",
            description =
                    "End-to-end workers: featurex, featurex-reduced (featurex with --decode-jpeg-reduce true), python-batched, "
                            + "python-naive; 'none' skips end-to-end. Default: ${DEFAULT-VALUE}.")
    List<String> workers = new ArrayList<>(List.of(
            EndToEndSection.FEATUREX, EndToEndSection.FEATUREX_REDUCED, EndToEndSection.PYTHON, EndToEndSection.NAIVE));

    @Option(
            names = "--no-python",
            description =
                    "No Python at all: no model-only peers, no Python workers (weights must then exist in the work dir).")
    boolean noPython;

    @Option(
            names = "--batch-max-size",
            paramLabel = "N",
            description = "featurex's batch.max-size and the batched peer's batch. Default: ${DEFAULT-VALUE}.")
    int batchMaxSize = 8;

    @Option(
            names = "--batch-max-delay-ms",
            paramLabel = "MS",
            description = "featurex's batch.max-delay-ms. Default: ${DEFAULT-VALUE}.")
    int batchMaxDelayMs = 0;

    @Option(
            names = "--decode-threads",
            paramLabel = "N",
            description = "featurex's pipeline.decode-threads. Default: ${DEFAULT-VALUE}.")
    int decodeThreads = 2;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "torch.set_num_threads of the Python peers. Default: ${DEFAULT-VALUE}.")
    int threads = 2;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "Use the images in DIR instead of the demo's built-in samples.")
    Path images;

    @Option(
            names = "--large-photos",
            paramLabel = "N",
            description = "Large photos in the mixed set. Default: ${DEFAULT-VALUE}.")
    int largePhotos = 4;

    @Option(
            names = "--large-size",
            paramLabel = "WxH",
            description = "Size of the large photos. Default: ${DEFAULT-VALUE}.")
    String largeSize = "4000x3000";

    @Option(
            names = "--backlog",
            paramLabel = "N",
            description =
                    "Refs waiting before featurex starts, for its memory under backlog; 0 skips. Default: ${DEFAULT-VALUE}.")
    int backlog = 100_000;

    @Option(
            names = "--backlog-outputs",
            paramLabel = "N",
            description = "Outputs to wait for in the backlog run. Default: ${DEFAULT-VALUE}.")
    int backlogOutputs = 80;

    @Option(
            names = "--backlog-latency-ms",
            paramLabel = "MS",
            description =
                    "The backlog's refs are http: URIs of the bench's loopback server answering after this latency; -1: file: refs. Default: ${DEFAULT-VALUE}.")
    int backlogLatencyMs = 50;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "torch.manual_seed of the exported VGG16. Default: ${DEFAULT-VALUE}.")
    int seed = 0;

    @Option(
            names = "--python",
            paramLabel = "EXE",
            description = "Python with Debian's torch. Default: ${DEFAULT-VALUE}.")
    String python = "/usr/bin/python3";

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "Cache (weights, large photos) and this run's logs. Default: bench/work in the source tree, else a temp folder.")
    Path workDir;

    @Option(
            names = "--repo",
            paramLabel = "DIR",
            description =
                    "Source tree holding bench/ (peers and tools). Default: found from the jar's location, else the current directory.")
    Path repo;

    private final PrintStream out = System.out;
    private final PrintStream progress = System.err;

    @Override
    public Integer call() throws Exception {
        for (String p : precisions) {
            if (!p.equals("fp32") && !p.equals("bf16")) {
                progress.println("unknown precision " + p + " (fp32, bf16)");
                return 2;
            }
        }
        for (String section : sections) {
            if (!List.of(MODEL, E2E, FEED, DECODE).contains(section)) {
                progress.println(
                        "unknown section " + section + " (" + MODEL + ", " + E2E + ", " + FEED + ", " + DECODE + ")");
                return 2;
            }
        }
        if (!sections.contains(MODEL)) {
            batchSizes.clear();
        }
        if (!sections.contains(E2E)) {
            workers.clear();
        }
        workers.removeIf(w -> w.equalsIgnoreCase("none"));
        if (noPython) {
            workers.removeIf(w -> !w.equals(EndToEndSection.FEATUREX) && !w.equals(EndToEndSection.FEATUREX_REDUCED));
        }
        for (String w : workers) {
            if (!List.of(
                            EndToEndSection.FEATUREX,
                            EndToEndSection.FEATUREX_REDUCED,
                            EndToEndSection.PYTHON,
                            EndToEndSection.NAIVE)
                    .contains(w)) {
                progress.println(
                        "unknown worker " + w + " (featurex, featurex-reduced, python-batched, python-naive, none)");
                return 2;
            }
        }
        Path source = repo != null ? repo.toAbsolutePath() : findRepo();
        if (!Files.isDirectory(source.resolve("bench/peers"))) {
            progress.println(
                    "bench/peers not found under " + source + ": run from the featurex source tree or pass --repo");
            return 2;
        }
        Path work = workDir != null ? workDir : source.resolve("bench/work");
        Workspace workspace = new Workspace(work, source, python);
        workspace.freshRun();
        progress.println("bench: work dir " + workspace.root() + " (logs in " + workspace.logs() + ")");

        boolean needsWeights = !batchSizes.isEmpty() || !workers.isEmpty();
        Path weights = needsWeights ? workspace.weights(seed, "fp32") : null;
        Optional<Path> bf16Weights = precisions.contains("bf16") && !batchSizes.isEmpty()
                ? Optional.of(workspace.weights(seed, "bf16"))
                : Optional.empty();
        List<Path> samples = workspace.samples(images);
        if (samples.isEmpty()) {
            progress.println("no images in " + images);
            return 2;
        }
        ImageSets imageSets;
        try {
            imageSets = ImageSets.of(sets, samples, images, refs, workspace, largePhotos, largeSize);
        } catch (IllegalArgumentException e) {
            progress.println(e.getMessage());
            return 2;
        }

        Machine machine = Machine.describe();
        progress.println("bench: " + machine.summary());
        Optional<ModelOnlySection.Result> model = Optional.empty();
        if (!batchSizes.isEmpty()) {
            model = Optional.of(new ModelOnlySection(
                            new ModelOnlySection.Settings(
                                    batchSizes,
                                    !noPython,
                                    rounds,
                                    modelSeconds,
                                    matmulSize,
                                    python,
                                    threads,
                                    retries,
                                    maxOthers),
                            workspace,
                            progress)
                    .run(weights, bf16Weights, samples));
        }
        Optional<EndToEndSection.Result> e2e = Optional.empty();
        if (!workers.isEmpty() && !imageSets.sets().isEmpty()) {
            e2e = Optional.of(new EndToEndSection(
                            new EndToEndSection.Settings(
                                    imageSets.sets(),
                                    workers,
                                    refs,
                                    batchMaxSize,
                                    batchMaxDelayMs,
                                    decodeThreads,
                                    threads,
                                    python,
                                    backlog,
                                    backlogOutputs,
                                    backlogLatencyMs,
                                    e2eRounds,
                                    retries,
                                    maxOthers),
                            workspace,
                            progress)
                    .run(weights));
        }
        Optional<FeedSection.Result> feed = Optional.empty();
        if (sections.contains(FEED)) {
            List<Integer> threads = feedDecodeThreads != null
                    ? feedDecodeThreads
                    : List.copyOf(new TreeSet<>(List.of(1, Runtime.getRuntime().availableProcessors())));
            feed = Optional.of(new FeedSection(
                            new FeedSection.Settings(
                                    samples, feedRefs, feedLatencies, threads, feedBatch, "torch", feedRounds),
                            progress)
                    .run());
        }
        List<String> extraTables = new ArrayList<>();
        List<String> extraNotes = new ArrayList<>();
        if (sections.contains(DECODE)) {
            List<Path> large = noPython ? List.of() : workspace.largePhotos(samples, largePhotos, largeSize);
            List<Path> files = new ArrayList<>(samples);
            files.addAll(large);
            progress.println(
                    "bench: decode + resize of " + files.size() + " files, " + decodeRuns + " runs each, then Pillow");
            List<DecodeTimes.Row> rows = DecodeTimes.measure(
                    files,
                    1,
                    decodeRuns,
                    noPython ? null : python,
                    workspace.script("peers/pillow_decode.py"),
                    Runtime.getRuntime().availableProcessors() - 1,
                    workspace.logs().resolve("pillow-decode.log"));
            extraTables.add(DecodeReport.render(rows, files, large, decodeRuns, extraNotes));
        }
        BenchReport report = new BenchReport(new BenchReport.Context(
                machine,
                commandLine(),
                batchSizes,
                Flops.vgg16Gflop(1, ModelSpec.INPUT_SIZE),
                matmulSize,
                rounds,
                retries,
                maxOthers,
                modelSeconds,
                batchMaxSize,
                batchMaxDelayMs,
                decodeThreads,
                threads,
                backlog,
                backlogLatencyMs,
                imageSets.descriptions()));
        out.print(report.render(model, e2e, feed, extraTables, extraNotes));
        out.flush();
        return 0;
    }

    private String commandLine() {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("bench")) {
            args.remove(0); // the parse result of a subcommand holds the whole command line
        }
        return "featurex bench" + (args.isEmpty() ? "" : " " + String.join(" ", args));
    }

    /** The jar (devkit/target/lib/featurex-bench.jar, or bench/target/classes) lies three levels below the source tree. */
    private static Path findRepo() {
        try {
            Path code = Path.of(BenchCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            for (Path p = code; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("bench/peers")) && Files.isRegularFile(p.resolve("featurex"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
