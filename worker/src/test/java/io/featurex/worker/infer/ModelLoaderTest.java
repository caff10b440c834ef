package io.featurex.worker.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.Preprocessing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real network on the real engine, at reduced width so it runs in a unit-test budget. */
class ModelLoaderTest {

    private static final int WIDTH = 8;

    private static ModelSpec seeded(int seed) {
        return ModelSpec.seeded(seed, WIDTH, Preprocessing.CAFFE);
    }

    /** Pixels in the range caffe preprocessing gives, seeded. */
    static float[] image(long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[224 * 224 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat() * 255 - 120;
        }
        return pixels;
    }

    @Test
    void reducedWidthKeepsTheTopologyAndShrinksTheOutput() {
        try (FeatureExtractor model = ModelLoader.load(seeded(1))) {
            assertThat(model.info().dimension()).isEqualTo(64);
            assertThat(model.info().architecture()).isEqualTo("vgg16-width/8-notop-avgpool");
            float[][] out = model.extract(new PixelBatch(List.of(image(1), image(2), image(3)), 224));
            assertThat(out).hasNumberOfRows(3);
            assertThat(out[0]).hasSize(64);
        }
    }

    @Test
    void seededWeightsRunAtASmallerInputSizeAndRefuseTheUsualOne() {
        try (FeatureExtractor model = ModelLoader.load(seeded(1).withInputSize(64))) {
            assertThat(model.info().inputSize()).isEqualTo(64);
            float[] small = new float[64 * 64 * 3];
            System.arraycopy(image(1), 0, small, 0, small.length);
            float[][] out = model.extract(new PixelBatch(List.of(small, small), 64));
            assertThat(out[0]).hasSize(64).containsExactly(out[1]);
            assertThat(catchThrowableOfType(
                            IllegalArgumentException.class,
                            () -> model.extract(new PixelBatch(List.of(image(1)), 224))))
                    .hasMessageContaining("model takes 64");
        }
    }

    @Test
    void aWeightsFileRefusesAnotherInputSize(@TempDir Path dir) {
        Path file = dir.resolve("vgg16-w8.params");
        ModelLoader.writeParams(seeded(3), file);
        assertThat(catchThrowableOfType(
                        ModelLoadException.class,
                        () -> ModelLoader.load(ModelSpec.file(file, WIDTH).withInputSize(64))))
                .hasMessageContaining("64 px is for seeded weights only");
        assertThat(catchThrowableOfType(
                        IllegalArgumentException.class, () -> seeded(1).withInputSize(16)))
                .hasMessageContaining("at least 32");
    }

    @Test
    void aSeedMeansTheSameWeightsEveryTime() {
        float[] a;
        float[] b;
        float[] c;
        try (FeatureExtractor model = ModelLoader.load(seeded(7))) {
            a = model.extract(new PixelBatch(List.of(image(1)), 224))[0];
        }
        try (FeatureExtractor model = ModelLoader.load(seeded(7))) {
            b = model.extract(new PixelBatch(List.of(image(1)), 224))[0];
        }
        try (FeatureExtractor model = ModelLoader.load(seeded(8))) {
            c = model.extract(new PixelBatch(List.of(image(1)), 224))[0];
        }
        assertThat(b).containsExactly(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void savedParamsLoadBackToTheSameVectorsWithAFileDigest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vgg16-w8.params");
        ModelLoader.writeParams(seeded(3), file);
        float[] expected;
        try (FeatureExtractor model = ModelLoader.load(seeded(3))) {
            expected = model.extract(new PixelBatch(List.of(image(5)), 224))[0];
        }
        ModelSpec fromFile = ModelSpec.file(file, WIDTH);
        try (FeatureExtractor model = ModelLoader.load(fromFile)) {
            assertThat(model.info().weightsSource()).isEqualTo(WeightsSource.DJL_PARAMS);
            assertThat(model.info().weightsDigest()).startsWith("sha256:").hasSize(7 + 64);
            assertThat(model.extract(new PixelBatch(List.of(image(5)), 224))[0]).containsExactly(expected);
        }
    }

    @Test
    void aBadWeightsFileFailsAtLoadNamingTheFile(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.params"), "not a model");
        ModelLoadException e =
                catchThrowableOfType(ModelLoadException.class, () -> ModelLoader.load(ModelSpec.file(junk, WIDTH)));
        assertThat(e.getMessage()).contains(junk.toString());

        Path wrongWidth = dir.resolve("w4.params");
        ModelLoader.writeParams(ModelSpec.seeded(1, 4, Preprocessing.CAFFE), wrongWidth);
        e = catchThrowableOfType(ModelLoadException.class, () -> ModelLoader.load(ModelSpec.file(wrongWidth, WIDTH)));
        assertThat(e.getMessage()).contains(wrongWidth.toString());

        Path absent = dir.resolve("absent.params");
        e = catchThrowableOfType(ModelLoadException.class, () -> ModelLoader.load(ModelSpec.file(absent, WIDTH)));
        assertThat(e.getMessage()).contains(absent.toString(), "does not exist");
    }
}
