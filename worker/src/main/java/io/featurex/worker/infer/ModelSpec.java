package io.featurex.worker.infer;

import io.featurex.worker.decode.Preprocessing;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What to load: the network's width, its weights (a file, or seeded random weights when absent),
 * the preprocessing those weights were trained with, and where to run.
 *
 * @param weights      a weights file; empty for seeded random weights
 * @param seed         seed of the random weights (ignored with a file)
 * @param widthDivisor 1 for VGG16; larger values shrink every layer (tests, load tests)
 * @param device       "auto", "cpu", "gpu" or "gpu:N"
 */
public record ModelSpec(
        Optional<Path> weights, int seed, int widthDivisor, Preprocessing preprocessing, String device) {

    public static final int INPUT_SIZE = 224;

    public static ModelSpec seeded(int seed, int widthDivisor, Preprocessing preprocessing) {
        return new ModelSpec(Optional.empty(), seed, widthDivisor, preprocessing, "cpu");
    }
}
