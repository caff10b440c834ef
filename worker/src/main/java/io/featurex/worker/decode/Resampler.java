package io.featurex.worker.decode;

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
        int[] horizontal = width == outWidth ? src : pass(src, width, height, outWidth, true);
        return height == outHeight ? horizontal : pass(horizontal, outWidth, height, outHeight, false);
    }

    /** One separable pass along x (horizontal) or y, from {@code in} samples to {@code out}. */
    private static int[] pass(int[] src, int width, int height, int out, boolean horizontal) {
        Taps taps = Taps.triangle(horizontal ? width : height, out);
        int outWidth = horizontal ? out : width;
        int outHeight = horizontal ? height : out;
        int[] dst = new int[outWidth * outHeight];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                int i = horizontal ? x : y;
                int[] k = taps.weights[i];
                int r = half;
                int g = half;
                int b = half;
                for (int j = 0; j < k.length; j++) {
                    int s = taps.first[i] + j;
                    int p = horizontal ? src[y * width + s] : src[s * width + x];
                    r += ((p >>> 16) & 0xFF) * k[j];
                    g += ((p >>> 8) & 0xFF) * k[j];
                    b += (p & 0xFF) * k[j];
                }
                dst[y * outWidth + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
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
