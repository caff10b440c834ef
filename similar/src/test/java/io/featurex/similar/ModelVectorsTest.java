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

        ModelVectors.Set made = ModelVectors.of(dir, count, 6, scenes, out);
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
        ModelVectors.Set read = ModelVectors.of(dir, count, 6, scenes, out);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("model vectors read from");
        assertThat(read.indexed()).isDeepEqualTo(made.indexed());
        assertThat(read.queries()).isDeepEqualTo(made.queries());

        // A photo of an indexed scene that was not indexed itself: the nearest indexed photo is of
        // its scene far more often than the one in six a blind guess would give.
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
        assertThat(ownSceneFirst).isGreaterThanOrEqualTo(4);
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
