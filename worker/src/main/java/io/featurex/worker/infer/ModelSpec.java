package io.featurex.worker.infer;

import io.featurex.worker.decode.Preprocessing;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What to load: the network's width, its weights (a file, or seeded random weights when absent),
 * the preprocessing those weights were trained with, where to run and in which precision.
 *
 * @param weights       a weights file; empty for seeded random weights
 * @param format        the file's kind; empty to tell it from the file's first bytes
 * @param seed          seed of the random weights (ignored with a file)
 * @param widthDivisor  1 for VGG16; larger values shrink every layer (tests, load tests)
 * @param preprocessing empty to take the one the weights were trained with (caffe when unknown)
 * @param device        "auto", "cpu", "gpu" or "gpu:N"
 * @param precision     the float type the network computes in (inputs and outputs stay float32)
 * @param inputSize     the side of the square images the network takes: {@value #INPUT_SIZE} for
 *     everything a worker runs; smaller only for seeded weights, where the similar benchmark makes
 *     model vectors at a fraction of the cost (64 px: 12x faster; the convolutions do not care,
 *     the pooling averages fewer positions)
 */
public record ModelSpec(
        Optional<Path> weights,
        Optional<WeightsSource> format,
        int seed,
        int widthDivisor,
        Optional<Preprocessing> preprocessing,
        String device,
        Precision precision,
        int inputSize) {

    public static final int INPUT_SIZE = 224;
    /** Five 2x2 poolings: below this the last has nothing left to pool. */
    public static final int MIN_INPUT_SIZE = 32;

    public ModelSpec {
        if (inputSize < MIN_INPUT_SIZE) {
            throw new IllegalArgumentException(
                    "input size " + inputSize + " px: VGG16 needs at least " + MIN_INPUT_SIZE);
        }
    }

    public static ModelSpec seeded(int seed, int widthDivisor, Preprocessing preprocessing) {
        return new ModelSpec(
                Optional.empty(),
                Optional.empty(),
                seed,
                widthDivisor,
                Optional.of(preprocessing),
                "cpu",
                Precision.FP32,
                INPUT_SIZE);
    }

    public static ModelSpec file(Path weights, int widthDivisor) {
        return new ModelSpec(
                Optional.of(weights),
                Optional.empty(),
                0,
                widthDivisor,
                Optional.empty(),
                "cpu",
                Precision.FP32,
                INPUT_SIZE);
    }

    public ModelSpec withPreprocessing(Preprocessing mode) {
        return new ModelSpec(weights, format, seed, widthDivisor, Optional.of(mode), device, precision, inputSize);
    }

    public ModelSpec withPrecision(Precision narrower) {
        return new ModelSpec(weights, format, seed, widthDivisor, preprocessing, device, narrower, inputSize);
    }

    /** Seeded weights only ({@link ModelLoader} refuses the rest): see {@code inputSize}. */
    public ModelSpec withInputSize(int side) {
        return new ModelSpec(weights, format, seed, widthDivisor, preprocessing, device, precision, side);
    }
}
