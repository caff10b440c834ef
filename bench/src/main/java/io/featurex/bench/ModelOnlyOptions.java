package io.featurex.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of the model-only section. {@code --retries} and {@code --max-others} apply to the
 * end-to-end runs as well; they stay here because the help has always listed them among these.
 */
final class ModelOnlyOptions {

    static final List<String> PRECISIONS = List.of("fp32", "bf16", "int8");

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
            description =
                    "fp32, bf16 and/or int8 (fp32 always runs: the others are compared with it). Default: ${DEFAULT-VALUE}.")
    List<String> precisions = new ArrayList<>(PRECISIONS);

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

    /**
     * Why the bf16 cells are not measured, if they are not. Where the CPU has no bf16 in hardware
     * libtorch emulates it, many times slower than float32, so its cells would hold the run for
     * long and measure nothing a user would deploy.
     */
    Optional<String> bf16Skipped(boolean nativeBf16) {
        if (!precisions.contains("bf16") || batchSizes.isEmpty()) {
            return Optional.of("bf16 not requested (--precisions)");
        }
        if (!nativeBf16) {
            return Optional.of("skipped: this CPU has no AVX-512 BF16 or AMX, so libtorch would emulate bf16 "
                    + "(22x slower than fp32 in one measurement: 290 s against 13 s)");
        }
        return Optional.empty();
    }

    Optional<String> unknownPrecision() {
        return precisions.stream().filter(p -> !PRECISIONS.contains(p)).findFirst();
    }

    ModelOnlySection.Settings settings(boolean python, String pythonExe, int threads) {
        return new ModelOnlySection.Settings(
                batchSizes, python, rounds, modelSeconds, matmulSize, pythonExe, threads, retries, maxOthers);
    }
}
