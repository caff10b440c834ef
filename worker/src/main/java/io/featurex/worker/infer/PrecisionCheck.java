package io.featurex.worker.infer;

import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.Preprocessing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The load-time check of a narrowed network: the same probe images through the float32 network
 * and the narrowed one, and the worker refuses to start unless every pair of vectors agrees to
 * {@link #MIN_COSINE}. bfloat16 keeps 8 bits of mantissa; on VGG16 that costs ~1e-5 of cosine
 * (BENCHMARKS.md: 0.999992), so anything near the threshold means a broken cast, not rounding.
 */
final class PrecisionCheck {

    static final double MIN_COSINE = 0.999;

    private PrecisionCheck() {}

    /**
     * Four synthetic images, made in pixel space and preprocessed as real ones: a smooth
     * gradient, stripes, blocks and seeded noise, so edges, flat areas and texture all count.
     */
    static PixelBatch probe(Preprocessing mode, int size) {
        List<float[]> images = new ArrayList<>();
        Random random = new Random(7);
        for (int kind = 0; kind < 4; kind++) {
            int[] rgb = new int[size * size];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int r;
                    int g;
                    int b;
                    switch (kind) {
                        case 0 -> {
                            r = 255 * x / size;
                            g = 255 * y / size;
                            b = 128;
                        }
                        case 1 -> {
                            r = (x / 8) % 2 * 200 + 30;
                            g = 90;
                            b = 255 - 255 * y / size;
                        }
                        case 2 -> {
                            r = ((x / 32 + y / 32) % 3) * 100;
                            g = ((x / 16) % 4) * 60;
                            b = 40;
                        }
                        default -> {
                            r = random.nextInt(256);
                            g = random.nextInt(256);
                            b = random.nextInt(256);
                        }
                    }
                    rgb[y * size + x] = r << 16 | g << 8 | b;
                }
            }
            images.add(mode.toTensor(rgb));
        }
        return new PixelBatch(images, size);
    }

    static double[] cosines(float[][] reference, float[][] narrowed) {
        if (reference.length != narrowed.length) {
            throw new IllegalArgumentException(
                    reference.length + " reference vectors, " + narrowed.length + " narrowed");
        }
        double[] out = new double[reference.length];
        for (int i = 0; i < reference.length; i++) {
            double dot = 0;
            double a = 0;
            double b = 0;
            for (int j = 0; j < reference[i].length; j++) {
                dot += (double) reference[i][j] * narrowed[i][j];
                a += (double) reference[i][j] * reference[i][j];
                b += (double) narrowed[i][j] * narrowed[i][j];
            }
            out[i] = a == 0 && b == 0 ? 1 : dot / Math.sqrt(a * b);
        }
        return out;
    }

    /** @throws ModelLoadException naming every probe's cosine when one is below {@code min} (or not a number) */
    static void require(Precision precision, double[] cosines, double min) {
        double worst = Double.POSITIVE_INFINITY;
        for (double c : cosines) {
            worst = Double.isNaN(c) ? Double.NEGATIVE_INFINITY : Math.min(worst, c);
        }
        if (!(worst >= min)) {
            throw new ModelLoadException(String.format(
                    Locale.ROOT,
                    "model.precision=%s: the %s network's vectors differ from float32's on the probe images (cosine %s; "
                            + "at least %.3f needed); refusing to start. Use model.precision=fp32.",
                    precision.key(),
                    precision.key(),
                    format(cosines),
                    min));
        }
    }

    static String format(double[] cosines) {
        List<String> parts = new ArrayList<>();
        for (double c : cosines) {
            parts.add(String.format(Locale.ROOT, "%.6f", c));
        }
        return String.join(", ", parts);
    }
}
