package io.featurex.worker.bench;

import ai.djl.ndarray.types.DataType;
import io.featurex.worker.BadInputException;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.demo.Similarity;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The model alone, no Kafka: featurex's fp32 model exactly as {@code run} loads it (the
 * TorchScript file through {@link ModelLoader}), a bench-only bf16 copy, and Debian's torch on
 * the same file and images, interleaved cell by cell and round by round; then libtorch's matmul.
 */
final class ModelOnlySection {

    static final String FEATUREX_FP32 = "featurex fp32";
    static final String FEATUREX_BF16 = "featurex bf16";
    static final String PYTHON_PREFIX = "python ";

    record Settings(List<Integer> batchSizes, boolean bf16, boolean python, int rounds, double minSeconds,
            int matmulSize, String pythonExe, int threads) {}

    record Result(
            Cells cells,
            Optional<String> bf16Unsupported,
            double bf16MinCosine,
            double blocksFp32MinCosine,
            double matmulFp32,
            double matmulBf16,
            List<Double> probes) {}

    private final Settings settings;
    private final Workspace workspace;
    private final PrintStream progress;

    ModelOnlySection(Settings settings, Workspace workspace, PrintStream progress) {
        this.settings = settings;
        this.workspace = workspace;
        this.progress = progress;
    }

    Result run(Path weights, List<Path> images) throws IOException {
        List<float[]> pixels = decode(images);
        Cells cells = new Cells();
        List<Double> probes = new ArrayList<>();
        Optional<String> bf16Unsupported = Optional.empty();
        double bf16Cos = Double.NaN;
        double blocksCos = Double.NaN;
        TypedVgg16 bf16 = null;
        PythonModelOnly python = null;
        try (FeatureExtractor fp32 = ModelLoader.load(ModelSpec.file(weights, 1))) {
            float[][] reference = fp32.extract(new PixelBatch(pixels, ModelSpec.INPUT_SIZE));
            if (settings.bf16()) {
                try (TypedVgg16 blocks = TypedVgg16.fromTorchScript(weights, DataType.FLOAT32, ModelSpec.INPUT_SIZE)) {
                    blocksCos = minCosine(reference, blocks.extract(pixels));
                }
                try {
                    bf16 = TypedVgg16.fromTorchScript(weights, DataType.BFLOAT16, ModelSpec.INPUT_SIZE);
                    bf16Cos = minCosine(reference, bf16.extract(pixels));
                } catch (RuntimeException e) {
                    bf16Unsupported = Optional.of("bf16 failed here: " + e.getMessage());
                    if (bf16 != null) {
                        bf16.close();
                        bf16 = null;
                    }
                }
            } else {
                bf16Unsupported = Optional.of("bf16 not requested (--precisions)");
            }
            if (settings.python()) {
                python = PythonModelOnly.start(settings.pythonExe(), workspace.script("peers/model_only.py"), weights,
                        settings.threads(), images, workspace.logs().resolve("python-model-only.log"));
            }
            for (int round = 1; round <= settings.rounds(); round++) {
                probes.add(MatmulProbe.gflops(settings.matmulSize(), DataType.FLOAT32, 0.5));
                for (int batch : settings.batchSizes()) {
                    List<float[]> input = cycle(pixels, batch);
                    PixelBatch pixelBatch = new PixelBatch(input, ModelSpec.INPUT_SIZE);
                    measure(cells, FEATUREX_FP32, batch, round, () -> TimedLoop.run(batch, settings.minSeconds(), 2,
                            n -> fp32.extract(pixelBatch)));
                    if (bf16 != null) {
                        TypedVgg16 model = bf16;
                        measure(cells, FEATUREX_BF16, batch, round, () -> TimedLoop.run(batch, settings.minSeconds(), 2,
                                n -> model.extract(input)));
                    }
                    if (python != null) {
                        for (String variant : PythonModelOnly.VARIANTS) {
                            PythonModelOnly peer = python;
                            measure(cells, PYTHON_PREFIX + variant, batch, round,
                                    () -> peer.measure(variant, batch, settings.minSeconds(), 2));
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
        }
        progress.println("bench: matmul " + settings.matmulSize() + "x" + settings.matmulSize());
        double matmulFp32 = MatmulProbe.gflops(settings.matmulSize(), DataType.FLOAT32, 2.0);
        double matmulBf16 = Double.NaN;
        if (settings.bf16()) {
            try {
                matmulBf16 = MatmulProbe.gflops(settings.matmulSize(), DataType.BFLOAT16, 2.0);
            } catch (RuntimeException e) {
                progress.println("bench: bf16 matmul failed: " + e.getMessage());
            }
        }
        return new Result(cells, bf16Unsupported, bf16Cos, blocksCos, matmulFp32, matmulBf16, probes);
    }

    private interface Cell {
        Measurement run() throws IOException;
    }

    private void measure(Cells cells, String row, int batch, int round, Cell cell) throws IOException {
        Measurement m = cell.run();
        cells.add(row, batch, m);
        progress.printf(Locale.ROOT, "bench: model-only round %d %-22s batch %2d: %6.2f images/s%n",
                round, row, batch, m.imagesPerSecond());
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
            min = Math.min(min, Similarity.cosine(a[i], b[i]));
        }
        return a.length == 0 ? Double.NaN : min;
    }
}
