package io.featurex.worker.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

/**
 * The INT8 test file on the CPU the tests run on. With VNNI (oneDNN's kernels) it must load. Without
 * VNNI libtorch runs fbgemm's AVX2 kernels, which on an AVX2 EPYC gave cosine 0.984 against float32
 * on one of the file's four probe images (gray16.png; oneDNN: 0.9996), and the worker must then
 * refuse the file, naming the probes, rather than run int8 that disagrees with float32. Which of the
 * two happened is printed.
 */
public final class Int8OnThisCpu {

    private Int8OnThisCpu() {}

    /** The loaded model, or empty where this CPU's kernels failed the file's probe check (asserted). */
    public static Optional<FeatureExtractor> load(ModelSpec spec, String test) {
        try {
            return Optional.of(ModelLoader.load(spec));
        } catch (ModelLoadException e) {
            assertThat(CpuFeatures.vnni())
                    .as("a CPU with VNNI must run the file: %s", e.getMessage())
                    .isFalse();
            assertThat(e)
                    .hasMessageContaining("the int8 network's vectors differ from float32's on the probe images")
                    .hasMessageContaining("at least 0.999 needed");
            System.out.println(test + ": this CPU has no VNNI, so libtorch runs fbgemm's AVX2 int8 kernels, and the "
                    + "file failed its probe check: the worker refused it, as it must (" + e.getMessage()
                    + "). What follows a successful load is checked on CPUs whose kernels pass the probes.");
            return Optional.empty();
        }
    }
}
