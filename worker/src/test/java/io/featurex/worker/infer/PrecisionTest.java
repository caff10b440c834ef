package io.featurex.worker.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.Preprocessing;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** model.precision on the real engine: the seeded network at width/8, narrowed and checked against float32. */
class PrecisionTest {

    private static final int WIDTH = 8;

    private static float[] image(long seed) {
        return ModelLoaderTest.image(seed);
    }

    @Test
    void bf16RunsNarrowedIsLabelledAndStaysCloseToFp32() {
        PixelBatch batch = new PixelBatch(List.of(image(1), image(2), image(3)), 224);
        float[][] fp32;
        float[][] bf16;
        try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, WIDTH, Preprocessing.CAFFE))) {
            assertThat(model.info().precision()).isEqualTo(Precision.FP32);
            fp32 = model.extract(batch);
        }
        try (FeatureExtractor model = ModelLoader.load(
                ModelSpec.seeded(42, WIDTH, Preprocessing.CAFFE).withPrecision(Precision.BF16))) {
            assertThat(model.info().precision()).isEqualTo(Precision.BF16);
            assertThat(model.info().summary()).contains("precision=bf16");
            bf16 = model.extract(batch);
        }
        double[] cosines = PrecisionCheck.cosines(fp32, bf16);
        for (double c : cosines) {
            assertThat(c).isGreaterThan(PrecisionCheck.MIN_COSINE).isLessThanOrEqualTo(1.0000001);
        }
        // It really ran in bfloat16: 8 bits of mantissa leave visible differences (float32 alone repeats exactly).
        float maxDiff = 0;
        for (int i = 0; i < fp32.length; i++) {
            for (int j = 0; j < fp32[i].length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(fp32[i][j] - bf16[i][j]));
            }
        }
        assertThat(maxDiff).isGreaterThan(1e-4f);
    }

    @Test
    void fp16IsRefusedOnACpu() {
        ModelLoadException e = catchThrowableOfType(
                ModelLoadException.class,
                () -> ModelLoader.load(
                        ModelSpec.seeded(42, WIDTH, Preprocessing.CAFFE).withPrecision(Precision.FP16)));
        assertThat(e).hasMessageContaining("model.precision=fp16 needs a GPU").hasMessageContaining("cpu()");
    }

    @Test
    void aFloat32TorchScriptFileIsNotRelabelledBf16() {
        ModelLoadException e = catchThrowableOfType(
                ModelLoadException.class,
                () -> ModelLoader.load(
                        ModelSpec.file(Path.of("src/test/resources/golden/weights/vgg16-w8.torchscript.pt"), WIDTH)
                                .withPrecision(Precision.BF16)));
        assertThat(e)
                .hasMessageContaining("stores fp32 weights but model.precision=bf16")
                .hasMessageContaining("Keras .h5 or DJL .params");
    }

    @Test
    void theCheckRefusesAFarOffNetworkNamingEveryCosine() {
        float[][] reference = {{1, 0, 0}, {0, 1, 0}};
        float[][] close = {{1, 0.01f, 0}, {0, 1, 0}};
        float[][] off = {{1, 0.1f, 0}, {0, 1, 0}};
        PrecisionCheck.require(Precision.BF16, PrecisionCheck.cosines(reference, close), PrecisionCheck.MIN_COSINE);
        ModelLoadException e = catchThrowableOfType(
                ModelLoadException.class,
                () -> PrecisionCheck.require(
                        Precision.BF16, PrecisionCheck.cosines(reference, off), PrecisionCheck.MIN_COSINE));
        assertThat(e).hasMessageContaining("cosine 0.995037, 1.000000").hasMessageContaining("at least 0.999");
        assertThat(catchThrowableOfType(
                        ModelLoadException.class,
                        () -> PrecisionCheck.require(Precision.BF16, new double[] {Double.NaN, 1.0}, 0.999)))
                .isNotNull();
    }

    @Test
    void theProbeHoldsDistinctPreprocessedImages() {
        PixelBatch probe = PrecisionCheck.probe(Preprocessing.TORCH, 32);
        assertThat(probe.count()).isEqualTo(4);
        assertThat(probe.images().get(0)).isNotEqualTo(probe.images().get(1));
        for (float[] image : probe.images()) {
            for (float v : image) {
                assertThat(v).isBetween(-2.2f, 2.7f); // torchvision's normalised range
            }
        }
    }
}
