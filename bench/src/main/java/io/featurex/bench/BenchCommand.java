package io.featurex.bench;

import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.CpuFeatures;
import io.featurex.worker.infer.ModelSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    FeedOptions feed = new FeedOptions();

    @Mixin
    ModelOnlyOptions model = new ModelOnlyOptions();

    @Mixin
    EndToEndOptions e2e = new EndToEndOptions();

    @Option(
            names = "--no-python",
            description =
                    "No Python at all: no model-only peers, no Python workers (weights must then exist in the work dir).")
    boolean noPython;

    @Mixin
    WorkerOptions worker = new WorkerOptions();

    @Mixin
    ImageOptions images = new ImageOptions();

    @Mixin
    BacklogOptions backlog = new BacklogOptions();

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
        Optional<String> precision = model.unknownPrecision();
        if (precision.isPresent()) {
            progress.println("unknown precision " + precision.get() + " (fp32, bf16, int8)");
            return 2;
        }
        for (String section : sections) {
            if (!List.of(MODEL, E2E, FEED, DECODE).contains(section)) {
                progress.println(
                        "unknown section " + section + " (" + MODEL + ", " + E2E + ", " + FEED + ", " + DECODE + ")");
                return 2;
            }
        }
        if (!sections.contains(MODEL)) {
            model.batchSizes.clear();
        }
        e2e.keepWorkers(sections.contains(E2E), !noPython);
        Optional<String> unknownWorker = e2e.unknownWorker();
        if (unknownWorker.isPresent()) {
            progress.println("unknown worker " + unknownWorker.get()
                    + " (featurex, featurex-reduced, featurex-int8, python-batched, python-naive, none)");
            return 2;
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

        boolean needsWeights = !model.batchSizes.isEmpty() || !e2e.workers.isEmpty();
        Path weights = needsWeights ? workspace.weights(seed, "fp32") : null;
        Optional<String> bf16Skipped = model.bf16Skipped(CpuFeatures.nativeBf16());
        if (model.precisions.contains("bf16") && bf16Skipped.isPresent()) {
            progress.println("bench: bf16 model-only cells " + bf16Skipped.get());
        }
        Optional<Path> bf16Weights =
                bf16Skipped.isEmpty() ? Optional.of(workspace.weights(seed, "bf16")) : Optional.empty();
        List<Path> samples = workspace.samples(images.images);
        if (samples.isEmpty()) {
            progress.println("no images in " + images.images);
            return 2;
        }
        ImageSets imageSets;
        try {
            imageSets = ImageSets.of(
                    e2e.sets, samples, images.images, e2e.refs, workspace, images.largePhotos, images.largeSize);
        } catch (IllegalArgumentException e) {
            progress.println(e.getMessage());
            return 2;
        }

        boolean int8Wanted = model.precisions.contains("int8") && !model.batchSizes.isEmpty()
                || e2e.workers.contains(EndToEndSection.FEATUREX_INT8);
        Optional<Path> int8Weights =
                int8Wanted ? Optional.of(workspace.int8Weights(seed, weights, samples)) : Optional.empty();
        Optional<AccuracyImages> accuracy = Optional.empty();
        if (!model.batchSizes.isEmpty() && Files.isDirectory(workspace.goldenImages())) {
            accuracy = Optional.of(AccuracyImages.of(workspace.goldenImages(), Preprocessing.TORCH));
        }

        Machine machine = Machine.describe();
        progress.println("bench: " + machine.summary());
        Optional<ModelOnlySection.Result> modelOnly = Optional.empty();
        if (!model.batchSizes.isEmpty()) {
            modelOnly = Optional.of(
                    new ModelOnlySection(model.settings(!noPython, python, worker.threads), workspace, progress)
                            .run(
                                    weights,
                                    bf16Weights,
                                    bf16Skipped.orElse(""),
                                    int8Weights.filter(w -> model.precisions.contains("int8")),
                                    samples,
                                    accuracy));
        }
        Optional<EndToEndSection.Result> endToEnd = Optional.empty();
        if (!e2e.workers.isEmpty() && !imageSets.sets().isEmpty()) {
            endToEnd = Optional.of(
                    new EndToEndSection(endToEndSettings(imageSets), workspace, progress).run(weights, int8Weights));
        }
        Optional<FeedSection.Result> feedResult = Optional.empty();
        if (sections.contains(FEED)) {
            feedResult = Optional.of(new FeedSection(feed.settings(samples), progress).run());
        }
        List<String> extraTables = new ArrayList<>();
        List<String> extraNotes = new ArrayList<>();
        if (sections.contains(DECODE)) {
            extraTables.add(decodeTable(workspace, samples, extraNotes));
        }
        out.print(report(machine, imageSets).render(modelOnly, endToEnd, feedResult, extraTables, extraNotes));
        out.flush();
        return 0;
    }

    private EndToEndSection.Settings endToEndSettings(ImageSets imageSets) {
        return new EndToEndSection.Settings(
                imageSets.sets(),
                e2e.workers,
                e2e.refs,
                worker.batchMaxSize,
                worker.batchMaxDelayMs,
                worker.decodeThreads,
                worker.threads,
                python,
                backlog.backlog,
                backlog.backlogOutputs,
                backlog.backlogLatencyMs,
                e2e.e2eRounds,
                model.retries,
                model.maxOthers);
    }

    private String decodeTable(Workspace workspace, List<Path> samples, List<String> notes) throws IOException {
        List<Path> large = noPython ? List.of() : workspace.largePhotos(samples, images.largePhotos, images.largeSize);
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
        return DecodeReport.render(rows, files, large, decodeRuns, notes);
    }

    private BenchReport report(Machine machine, ImageSets imageSets) {
        return new BenchReport(new BenchReport.Context(
                machine,
                commandLine(),
                model.batchSizes,
                Flops.vgg16Gflop(1, ModelSpec.INPUT_SIZE),
                model.matmulSize,
                model.rounds,
                model.retries,
                model.maxOthers,
                model.modelSeconds,
                worker.batchMaxSize,
                worker.batchMaxDelayMs,
                worker.decodeThreads,
                worker.threads,
                backlog.backlog,
                backlog.backlogLatencyMs,
                imageSets.descriptions()));
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
