package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's vectors from the seeded model: rendered pictures, embedded once, read back after. */
class ModelVectorsTest {

    @Test
    void aSceneAndItsVariantsAreTheSamePicturesOnEveryRun() throws Exception {
        RenderedImages images = new RenderedImages(42);
        RenderedImages again = new RenderedImages(42);

        assertThat(images.jpeg(3, 1)).isEqualTo(again.jpeg(3, 1));
        assertThat(images.jpeg(3, 0)).isEqualTo(again.jpeg(3, 0));
        assertThat(images.jpeg(3, 1)).isNotEqualTo(images.jpeg(3, 0)).isNotEqualTo(images.jpeg(4, 1));
        assertThat(new RenderedImages(7).jpeg(3, 0)).isNotEqualTo(images.jpeg(3, 0));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(images.jpeg(5, 2)));
        assertThat(decoded.getWidth()).isEqualTo(RenderedImages.SIZE);
        assertThat(decoded.getHeight()).isEqualTo(RenderedImages.SIZE);
    }

    @Test
    void theModelsVectorsAreMadeOnceAndAnUnindexedPhotoFindsItsScene(@TempDir Path dir) throws Exception {
        int scenes = 6;
        int count = scenes * ModelVectors.FAMILY;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

        ModelVectors.Set made = ModelVectors.of(dir, count, 6, scenes, 224, out);
        assertThat(made.indexed()).hasNumberOfRows(count);
        assertThat(made.queries()).hasNumberOfRows(6);
        for (float[] v : made.indexed()) {
            assertThat(v).hasSize(ModelVectors.DIMENSION);
            // ReLU, then the average pool: never below zero, and never all zero for a picture.
            for (float x : v) {
                assertThat(x).isGreaterThanOrEqualTo(0f);
            }
            assertThat(norm(v)).isPositive();
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("model vectors made in");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }

        log.reset();
        ModelVectors.Set read = ModelVectors.of(dir, count, 6, scenes, 224, out);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("model vectors read from");
        assertThat(read.indexed()).isDeepEqualTo(made.indexed());
        assertThat(read.queries()).isDeepEqualTo(made.queries());

        // A photo of an indexed scene that was not indexed itself: the nearest indexed photo is of
        // its scene far more often than the one in six a blind guess would give.
        assertThat(ownSceneFirst(made, count)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aSmallerInputSideDrawsTheSameScenesSmallerAndKeepsItsOwnFile(@TempDir Path dir) throws Exception {
        RenderedImages small = new RenderedImages(42, 73);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(small.jpeg(5, 2)));
        assertThat(decoded.getWidth()).isEqualTo(73);
        assertThat(decoded.getHeight()).isEqualTo(73);
        // The same drawing: a scene and its small copy are far closer than two scenes are.
        BufferedImage full = ImageIO.read(new ByteArrayInputStream(new RenderedImages(42).jpeg(5, 0)));
        BufferedImage same = ImageIO.read(new ByteArrayInputStream(small.jpeg(5, 0)));
        BufferedImage other = ImageIO.read(new ByteArrayInputStream(small.jpeg(6, 0)));
        assertThat(meanDifference(full, same)).isLessThan(meanDifference(full, other) / 3);

        int scenes = 6;
        int count = scenes * ModelVectors.FAMILY;
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ModelVectors.Set made = ModelVectors.of(dir, count, 6, scenes, 64, out);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactly("seeded-vgg16-s42-n24-q6-of6-px64.f32");
        }
        assertThat(made.indexed()[0]).hasSize(ModelVectors.DIMENSION);
        assertThat(ownSceneFirst(made, count)).isGreaterThanOrEqualTo(4);
    }

    /** Mean absolute difference per channel, {@code small} scaled up to {@code full}'s side. */
    private static double meanDifference(BufferedImage full, BufferedImage small) {
        double sum = 0;
        int n = full.getWidth();
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int a = full.getRGB(x, y);
                int b = small.getRGB(x * small.getWidth() / n, y * small.getHeight() / n);
                for (int shift = 0; shift < 24; shift += 8) {
                    sum += Math.abs((a >> shift & 255) - (b >> shift & 255));
                }
            }
        }
        return sum / (3.0 * n * n);
    }

    private static int ownSceneFirst(ModelVectors.Set made, int count) {
        int ownSceneFirst = 0;
        for (int j = 0; j < made.queries().length; j++) {
            int best = -1;
            double bestScore = -2;
            for (int i = 0; i < count; i++) {
                double score = cosine(made.queries()[j], made.indexed()[i]);
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            if (best / ModelVectors.FAMILY == made.queryScenes()[j]) {
                ownSceneFirst++;
            }
        }
        return ownSceneFirst;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
