package io.featurex.worker.decode;

/**
 * Resizing of packed 0xRRGGBB images, following PIL's {@code Image.resize} (what Keras and
 * torchvision call): pixel centres at +0.5, and for bilinear a triangle filter whose support
 * widens with the scale when shrinking (antialiasing), applied horizontally then vertically
 * with an 8-bit result between the passes.
 */
final class Resampler {

    private Resampler() {}

    static int[] nearest(int[] src, int width, int height, int outWidth, int outHeight) {
        int[] out = new int[outWidth * outHeight];
        double sx = (double) width / outWidth;
        double sy = (double) height / outHeight;
        int[] columns = new int[outWidth];
        for (int x = 0; x < outWidth; x++) {
            columns[x] = Math.min(width - 1, (int) ((x + 0.5) * sx));
        }
        for (int y = 0; y < outHeight; y++) {
            int row = Math.min(height - 1, (int) ((y + 0.5) * sy)) * width;
            for (int x = 0; x < outWidth; x++) {
                out[y * outWidth + x] = src[row + columns[x]];
            }
        }
        return out;
    }

    static int[] bilinear(int[] src, int width, int height, int outWidth, int outHeight) {
        int[] horizontal = width == outWidth ? src : pass(src, width, height, outWidth, true);
        return height == outHeight ? horizontal : pass(horizontal, outWidth, height, outHeight, false);
    }

    /** One separable pass along x (horizontal) or y, from {@code in} samples to {@code out}. */
    private static int[] pass(int[] src, int width, int height, int out, boolean horizontal) {
        int in = horizontal ? width : height;
        Taps taps = Taps.triangle(in, out);
        int outWidth = horizontal ? out : width;
        int outHeight = horizontal ? height : out;
        int[] dst = new int[outWidth * outHeight];
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                int i = horizontal ? x : y;
                double r = 0;
                double g = 0;
                double b = 0;
                for (int k = 0; k < taps.count[i]; k++) {
                    int s = taps.first[i] + k;
                    int p = horizontal ? src[y * width + s] : src[s * width + x];
                    double w = taps.weights[i][k];
                    r += w * ((p >>> 16) & 0xFF);
                    g += w * ((p >>> 8) & 0xFF);
                    b += w * (p & 0xFF);
                }
                dst[y * outWidth + x] = (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
            }
        }
        return dst;
    }

    private static int clamp(double v) {
        long rounded = Math.round(v);
        return (int) Math.max(0, Math.min(255, rounded));
    }

    /** For each output sample: the first input sample it reads and the normalised weights. */
    private static final class Taps {
        final int[] first;
        final int[] count;
        final double[][] weights;

        private Taps(int out) {
            first = new int[out];
            count = new int[out];
            weights = new double[out][];
        }

        static Taps triangle(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the triangle's support is 1, widened when shrinking
            Taps taps = new Taps(out);
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) (center - support + 0.5));
                int hi = Math.min(in, (int) (center + support + 0.5));
                double[] w = new double[hi - lo];
                double total = 0;
                for (int j = lo; j < hi; j++) {
                    double t = Math.abs((j - center + 0.5) / filterScale);
                    w[j - lo] = t < 1 ? 1 - t : 0;
                    total += w[j - lo];
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] = total == 0 ? 0 : w[k] / total;
                }
                taps.first[i] = lo;
                taps.count[i] = w.length;
                taps.weights[i] = w;
            }
            return taps;
        }
    }
}
