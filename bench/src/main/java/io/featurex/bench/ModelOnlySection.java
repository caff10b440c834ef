package io.featurex.bench;

import ai.djl.ndarray.types.DataType;
import io.featurex.worker.BadInputException;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.infer.Vectors;
import io.featurex.worker.sink.OutputRecords;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The model alone, no Kafka: featurex's model exactly as {@code run} loads it (a TorchScript file
 * through {@link ModelLoader}, fp32, and the same weights exported in bfloat16), featurex's own
 * DJL graph (what Keras, .params and random weights run on) in fp32 and with
 * {@code model.precision=bf16}, and Debian's torch on the same fp32 file and images, interleaved
 * cell by cell and round by round; then libtorch's matmul.
 */
final class ModelOnlySection {

    static final String FEATUREX_FP32 = "featurex fp32";
    static final String FEATUREX_BF16 = "featurex bf16";
    static final String FEATUREX_INT8 = "featurex int8";
    /** The DJL graph featurex builds itself: what Keras .h5, .params and random weights run on. */
    static final String GRAPH_FP32 = "graph fp32";

    static final String GRAPH_BF16 = "graph bf16";
    static final String PYTHON_PREFIX = "python ";

    /**
     * @param retries   extra passes over the cells whose best measurement saw more than
     *                  {@code maxOthers} cores used by other processes
     */
    record Settings(
            List<Integer> batchSizes,
            boolean python,
            int rounds,
            double minSeconds,
            int matmulSize,
            String pythonExe,
            int threads,
            int retries,
            double maxOthers) {}

    /**
     * @param graphBf16MinCosine the DJL graph's bf16 copy against its fp32 self; NaN when not measured
     * @param int8MinCosine      the INT8 file against the fp32 one on the sample images; NaN when not measured
     * @param bf16Accuracy       bf16 against fp32 on the accuracy set; empty when either was not measured
     */
    record Result(
            Cells cells,
            Optional<String> bf16Unsupported,
            double bf16MinCosine,
            double graphBf16MinCosine,
            double matmulFp32,
            Optional<String> int8Unsupported,
            double int8MinCosine,
            Optional<Agreement> bf16Accuracy,
            Optional<Agreement> int8Accuracy) {}

    private final Settings settings;
    private final Workspace workspace;
    private final PrintStream progress;

    ModelOnlySection(Settings settings, Workspace workspace, PrintStream progress) {
        this.settings = settings;
        this.workspace = workspace;
        this.progress = progress;
    }

    /**
     * @param weights     the fp32 TorchScript file
     * @param bf16Weights the same weights in bfloat16 (casts inside the graph); empty when not measured
     * @param bf16Absent  why bf16Weights is empty, for the table
     * @param int8Weights the same weights quantized by tools/int8/quantize_vgg16.py; empty when not measured
     * @param accuracy    images on which bf16 and int8 vectors are compared with fp32's; empty for none
     */
    Result run(
            Path weights,
            Optional<Path> bf16Weights,
            String bf16Absent,
            Optional<Path> int8Weights,
            List<Path> images,
            Optional<AccuracyImages> accuracy)
            throws IOException {
        List<float[]> pixels = decode(images);
        Optional<String> int8Unsupported = Optional.empty();
        double int8Cos = Double.NaN;
        FeatureExtractor int8 = null;
        Optional<Agreement> bf16Accuracy = Optional.empty();
        Optional<Agreement> int8Accuracy = Optional.empty();
        Cells cells = new Cells();
        Optional<String> bf16Unsupported = Optional.empty();
        double bf16Cos = Double.NaN;
        double matmulFp32 = Double.NaN;
        double graphBf16Cos = Double.NaN;
        FeatureExtractor bf16 = null;
        FeatureExtractor graphBf16 = null;
        PythonModelOnly python = null;
        // Seeded weights in featurex's own graph: throughput does not depend on the weights' values.
        ModelSpec graph = ModelSpec.seeded(0, 1, Preprocessing.TORCH);
        try (FeatureExtractor fp32 = ModelLoader.load(ModelSpec.file(weights, 1));
                FeatureExtractor graphFp32 = ModelLoader.load(graph)) {
            float[][] reference = fp32.extract(new PixelBatch(pixels, ModelSpec.INPUT_SIZE));
            if (bf16Weights.isPresent()) {
                try {
                    bf16 = ModelLoader.load(ModelSpec.file(bf16Weights.get(), 1).withPrecision(Precision.BF16));
                    bf16Cos = minCosine(reference, bf16.extract(new PixelBatch(pixels, ModelSpec.INPUT_SIZE)));
                } catch (RuntimeException e) {
                    bf16Unsupported = Optional.of("bf16 TorchScript failed here: " + e.getMessage());
                    if (bf16 != null) {
                        bf16.close();
                        bf16 = null;
                    }
                }
                graphBf16 = ModelLoader.load(graph.withPrecision(Precision.BF16));
                graphBf16Cos = minCosine(
                        graphFp32.extract(new PixelBatch(pixels, ModelSpec.INPUT_SIZE)),
                        graphBf16.extract(new PixelBatch(pixels, ModelSpec.INPUT_SIZE)));
            } else {
                bf16Unsupported = Optional.of(bf16Absent);
            }
            if (int8Weights.isPresent()) {
                try {
                    int8 = ModelLoader.load(ModelSpec.file(int8Weights.get(), 1).withPrecision(Precision.INT8));
                    int8Cos = minCosine(reference, int8.extract(new PixelBatch(pixels, ModelSpec.INPUT_SIZE)));
                } catch (RuntimeException e) {
                    int8Unsupported = Optional.of("int8 TorchScript failed here: " + e.getMessage());
                    if (int8 != null) {
                        int8.close();
                        int8 = null;
                    }
                }
            } else {
                int8Unsupported = Optional.of("int8 not requested (--precisions)");
            }
            if (accuracy.isPresent()) {
                float[][] fp32Vectors = vectors(fp32, accuracy.get().inputs());
                if (bf16 != null) {
                    bf16Accuracy = Optional.of(agreement(accuracy.get(), fp32Vectors, bf16));
                }
                if (int8 != null) {
                    int8Accuracy = Optional.of(agreement(accuracy.get(), fp32Vectors, int8));
                }
            }
            if (settings.python()) {
                python = PythonModelOnly.start(
                        settings.pythonExe(),
                        workspace.script("peers/model_only.py"),
                        weights,
                        settings.threads(),
                        images,
                        workspace.logs().resolve("python-model-only.log"));
            }
            // What each row runs for a batch size, in the order rows are interleaved.
            Map<String, IntFunction<Cell>> rows = new LinkedHashMap<>();
            rows.put(FEATUREX_FP32, batch -> timed(fp32, pixels, batch));
            if (bf16 != null) {
                FeatureExtractor model = bf16;
                rows.put(FEATUREX_BF16, batch -> timed(model, pixels, batch));
            }
            if (int8 != null) {
                FeatureExtractor model = int8;
                rows.put(FEATUREX_INT8, batch -> timed(model, pixels, batch));
            }
            rows.put(GRAPH_FP32, batch -> timed(graphFp32, pixels, batch));
            if (graphBf16 != null) {
                FeatureExtractor model = graphBf16;
                rows.put(GRAPH_BF16, batch -> timed(model, pixels, batch));
            }
            if (python != null) {
                PythonModelOnly peer = python;
                for (String variant : PythonModelOnly.VARIANTS) {
                    rows.put(
                            PYTHON_PREFIX + variant,
                            batch -> () -> peer.measure(variant, batch, settings.minSeconds(), 2));
                }
            }
            for (int round = 1; round <= settings.rounds(); round++) {
                double matmul = MatmulProbe.gflops(settings.matmulSize(), DataType.FLOAT32, 1.0);
                progress.printf(
                        Locale.ROOT,
                        "bench: round %d matmul %dx%d fp32: %.0f GFLOP/s%n",
                        round,
                        settings.matmulSize(),
                        settings.matmulSize(),
                        matmul);
                matmulFp32 = Double.isNaN(matmulFp32) ? matmul : Math.max(matmulFp32, matmul);
                for (int batch : settings.batchSizes()) {
                    for (var row : rows.entrySet()) {
                        measure(
                                cells,
                                row.getKey(),
                                batch,
                                "round " + round,
                                row.getValue().apply(batch));
                    }
                }
            }
            // A shared machine: cells whose best round still ran beside other processes get more tries.
            for (int retry = 1; retry <= settings.retries(); retry++) {
                for (int batch : settings.batchSizes()) {
                    for (var row : rows.entrySet()) {
                        double others = cells.best(row.getKey(), batch).foreignCores();
                        if (!(others <= settings.maxOthers())) {
                            measure(
                                    cells,
                                    row.getKey(),
                                    batch,
                                    "retry " + retry,
                                    row.getValue().apply(batch));
                        }
                    }
                }
            }
        } finally {
            if (python != null) {
                python.close();
            }
            if (bf16 != null) {
                bf16.close();
            }
            if (graphBf16 != null) {
                graphBf16.close();
            }
            if (int8 != null) {
                int8.close();
            }
        }
        return new Result(
                cells,
                bf16Unsupported,
                bf16Cos,
                graphBf16Cos,
                matmulFp32,
                int8Unsupported,
                int8Cos,
                bf16Accuracy,
                int8Accuracy);
    }

    static final int RECALL_K = 10;

    private Agreement agreement(AccuracyImages images, float[][] fp32, FeatureExtractor narrow) {
        Agreement a = Agreement.of(
                images.names(),
                fp32,
                vectors(narrow, images.inputs()),
                OutputRecords.identity(narrow.info(), ""),
                RECALL_K);
        progress.printf(
                Locale.ROOT,
                "bench: accuracy %s vs fp32 on %d images: min cosine %.6f (%s), mean %.6f, recall@%d %.4f;"
                        + " median error (1 - cosine) %.1e against a median margin of %.1e between the fp32 index's"
                        + " %d-th and %d-th neighbours%n",
                narrow.info().precision().key(),
                a.names().size(),
                a.minCosine(),
                a.worst(),
                a.meanCosine(),
                a.k(),
                a.recall(),
                a.medianError(),
                a.margin(),
                a.k(),
                a.k() + 1);
        return a;
    }

    /** Batches of 8: the whole accuracy set at once would need gigabytes of activations. */
    private static float[][] vectors(FeatureExtractor model, List<float[]> inputs) {
        float[][] out = new float[inputs.size()][];
        for (int from = 0; from < inputs.size(); from += 8) {
            List<float[]> part = inputs.subList(from, Math.min(inputs.size(), from + 8));
            float[][] got = model.extract(new PixelBatch(part, ModelSpec.INPUT_SIZE));
            System.arraycopy(got, 0, out, from, got.length);
        }
        return out;
    }

    private interface Cell {
        Measurement run() throws IOException;
    }

    private Cell timed(FeatureExtractor model, List<float[]> pixels, int batch) {
        PixelBatch input = new PixelBatch(cycle(pixels, batch), ModelSpec.INPUT_SIZE);
        return () -> TimedLoop.run(batch, settings.minSeconds(), 2, n -> model.extract(input));
    }

    private void measure(Cells cells, String row, int batch, String pass, Cell cell) throws IOException {
        Measurement m = cell.run();
        cells.add(row, batch, m);
        progress.printf(
                Locale.ROOT,
                "bench: model-only %-8s %-22s batch %2d: %6.2f images/s (other processes: %.2f cores)%n",
                pass,
                row,
                batch,
                m.imagesPerSecond(),
                m.foreignCores());
    }

    private static List<float[]> decode(List<Path> images) throws IOException {
        ImageDecoder decoder = DecodeSpec.defaults(100_000_000L).decoderFor(Preprocessing.TORCH, ModelSpec.INPUT_SIZE);
        List<float[]> out = new ArrayList<>();
        for (Path image : images) {
            try {
                out.add(decoder.decode(Files.readAllBytes(image)));
            } catch (BadInputException e) {
                throw new IOException("cannot decode " + image + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static List<float[]> cycle(List<float[]> pixels, int n) {
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(pixels.get(i % pixels.size()));
        }
        return out;
    }

    static double minCosine(float[][] a, float[][] b) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            min = Math.min(min, Vectors.cosine(a[i], b[i]));
        }
        return a.length == 0 ? Double.NaN : min;
    }
}
