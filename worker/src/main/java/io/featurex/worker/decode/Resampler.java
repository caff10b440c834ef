package io.featurex.worker.decode;

import java.util.Arrays;

/**
 * Resizing of packed 0xRRGGBB images exactly as Pillow 9's {@code Image.resize} does it (what
 * Keras' {@code load_img} and torchvision's {@code Resize} call), bit for bit:
 *
 * <ul>
 *   <li>nearest: source index accumulated in doubles from half a step, truncated (Pillow's
 *       affine scaling). Not quite {@code floor((i + 0.5) * scale)}: where that product is an
 *       integer, the running sum can fall just short of it;
 *   <li>bilinear: a triangle filter whose support widens with the scale when shrinking
 *       (antialiasing), weights in 22-bit fixed point, horizontal pass to 8 bits first, then
 *       vertical (Pillow's Resample.c).
 * </ul>
 *
 * Proven against PIL by the golden tests (tools/golden/make_golden.py).
 */
final class Resampler {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resampler() {}

    static int[] nearest(int[] src, int width, int height, int outWidth, int outHeight) {
        int[] columns = nearestIndices(width, outWidth);
        int[] rows = nearestIndices(height, outHeight);
        int[] out = new int[outWidth * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int row = rows[y] * width;
            for (int x = 0; x < outWidth; x++) {
                out[y * outWidth + x] = src[row + columns[x]];
            }
        }
        return out;
    }

    static int[] nearestIndices(int in, int out) {
        double step = (double) in / out;
        double position = step * 0.5;
        int[] indices = new int[out];
        for (int i = 0; i < out; i++) {
            indices[i] = Math.min(in - 1, (int) position);
            position += step;
        }
        return indices;
    }

    static int[] bilinear(int[] src, int width, int height, int outWidth, int outHeight) {
        return bilinear(src, width, height, outWidth, outHeight, 0, 0, outWidth, outHeight);
    }

    /**
     * The {@code cropWidth x cropHeight} window at ({@code left}, {@code top}) of the bilinear
     * resize to {@code outWidth x outHeight}, computed without the rest: each output sample
     * depends only on its own taps, so the window's values are those of resizing then cropping,
     * while the horizontal pass reads only the source rows the window's taps reach and writes
     * only its columns (a third of the work saved on a 4:3 photo's centre crop).
     */
    static int[] bilinear(
            int[] src,
            int width,
            int height,
            int outWidth,
            int outHeight,
            int left,
            int top,
            int cropWidth,
            int cropHeight) {
        int firstRow = top;
        int lastRow = top + cropHeight; // exclusive
        Taps vertical = null;
        if (height != outHeight) {
            vertical = Taps.triangle(height, outHeight);
            firstRow = vertical.first[top];
            lastRow = 0;
            for (int y = top; y < top + cropHeight; y++) {
                lastRow = Math.max(lastRow, vertical.first[y] + vertical.weights[y].length);
            }
        }
        // Rows firstRow..lastRow of the horizontal pass, cropped to the window's columns.
        int rows = lastRow - firstRow;
        int[] horizontal = new int[rows * cropWidth];
        if (width == outWidth) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, (firstRow + r) * width + left, horizontal, r * cropWidth, cropWidth);
            }
        } else {
            horizontalPass(src, width, Taps.triangle(width, outWidth), firstRow, rows, left, cropWidth, horizontal);
        }
        if (vertical == null) {
            return horizontal;
        }
        return verticalPass(horizontal, cropWidth, firstRow, vertical, top, cropHeight);
    }

    private static void horizontalPass(
            int[] src, int width, Taps taps, int firstRow, int rows, int left, int cropWidth, int[] dst) {
        int half = 1 << (PRECISION_BITS - 1);
        for (int r = 0; r < rows; r++) {
            int row = (firstRow + r) * width;
            int o = r * cropWidth;
            for (int x = 0; x < cropWidth; x++) {
                int[] k = taps.weights[left + x];
                int s = row + taps.first[left + x];
                int red = half;
                int green = half;
                int blue = half;
                for (int j = 0; j < k.length; j++) {
                    int p = src[s + j];
                    red += ((p >>> 16) & 0xFF) * k[j];
                    green += ((p >>> 8) & 0xFF) * k[j];
                    blue += (p & 0xFF) * k[j];
                }
                dst[o + x] = (clip8(red) << 16) | (clip8(green) << 8) | clip8(blue);
            }
        }
    }

    /** Row by row, each tap's source row added across the whole width: sequential reads. */
    private static int[] verticalPass(int[] src, int width, int firstRow, Taps taps, int top, int cropHeight) {
        int[] dst = new int[width * cropHeight];
        int[] red = new int[width];
        int[] green = new int[width];
        int[] blue = new int[width];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < cropHeight; y++) {
            Arrays.fill(red, half);
            Arrays.fill(green, half);
            Arrays.fill(blue, half);
            int[] k = taps.weights[top + y];
            int first = taps.first[top + y] - firstRow;
            for (int j = 0; j < k.length; j++) {
                int w = k[j];
                int row = (first + j) * width;
                for (int x = 0; x < width; x++) {
                    int p = src[row + x];
                    red[x] += ((p >>> 16) & 0xFF) * w;
                    green[x] += ((p >>> 8) & 0xFF) * w;
                    blue[x] += (p & 0xFF) * w;
                }
            }
            int o = y * width;
            for (int x = 0; x < width; x++) {
                dst[o + x] = (clip8(red[x]) << 16) | (clip8(green[x]) << 8) | clip8(blue[x]);
            }
        }
        return dst;
    }

    private static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (v <= 0) {
            return 0;
        }
        return v >> PRECISION_BITS;
    }

    /** For each output sample: the first input sample it reads and its fixed-point weights. */
    private static final class Taps {
        final int[] first;
        final int[][] weights;

        private Taps(int out) {
            first = new int[out];
            weights = new int[out][];
        }

        static Taps triangle(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the triangle's support is 1, widened when shrinking
            double inverse = 1.0 / filterScale;
            Taps taps = new Taps(out);
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) (center - support + 0.5));
                int hi = Math.min(in, (int) (center + support + 0.5));
                double[] w = new double[hi - lo];
                double total = 0;
                for (int j = 0; j < w.length; j++) {
                    double t = Math.abs((j + lo - center + 0.5) * inverse);
                    w[j] = t < 1 ? 1 - t : 0;
                    total += w[j];
                }
                int[] fixed = new int[w.length];
                for (int j = 0; j < w.length; j++) {
                    double normalised = total == 0 ? 0 : w[j] / total;
                    fixed[j] = normalised < 0
                            ? (int) (-0.5 + normalised * (1 << PRECISION_BITS))
                            : (int) (0.5 + normalised * (1 << PRECISION_BITS));
                }
                taps.first[i] = lo;
                taps.weights[i] = fixed;
            }
            return taps;
        }
    }
}
