package io.featurex.worker.decode;

import java.util.Arrays;
import javax.imageio.ImageReadParam;

/**
 * A reduced-scale decode of a large JPEG ({@code decode.jpeg-reduce}): the reader keeps every
 * {@code subsample}-th pixel of every {@code subsample}-th row, then blocks of {@code box} x
 * {@code box} of those are averaged. Neither the JDK's nor TwelveMonkeys' JPEG reader exposes
 * libjpeg's DCT scaling, so subsampling is the only way to stop the reader filling a full-size
 * raster (most of a large photo's decode time here); the averaging puts back most of the
 * anti-aliasing that subsampling alone loses. Not PIL-exact: the exact resampler then works on
 * a different, smaller image.
 *
 * @param subsample step of the reader's source subsampling, in both directions
 * @param box       side of the blocks averaged after it
 */
record JpegReduction(int subsample, int box) {

    static final JpegReduction NONE = new JpegReduction(1, 1);

    /**
     * The largest subsampling step used. Read + pack of a 4000x3000 JPEG on the reference machine:
     * about 125 ms at full size, 75 ms at step 2, 65 ms at 3, 60 ms at 4, 55 ms at 11 (libjpeg
     * still decodes every block; the rest is filling the raster). Step 2 kept the inputs closest
     * to the exact path of all steps tried (BENCHMARKS.md), at most of the speed.
     */
    static final int MAX_SUBSAMPLE = 2;

    JpegReduction {
        if (subsample < 1 || box < 1) {
            throw new IllegalArgumentException("subsample and box must be >= 1, got " + subsample + ", " + box);
        }
    }

    /** Source pixels per reduced pixel, in each direction. */
    int factor() {
        return subsample * box;
    }

    boolean reduces() {
        return factor() > 1;
    }

    /**
     * The reduction for an image of {@code width x height} whose resize reads a source of at least
     * {@code side x side} (the input size when stretching; the shorter-side target when cropping):
     * the largest whole factor that keeps both reduced sides at {@code side} or more, split into a
     * subsampling step and a box. None when the image is not at least twice {@code side} both ways.
     */
    static JpegReduction plan(long width, long height, int side) {
        return split(factor(width, height, side));
    }

    /** Largest n with {@code floor(width / n) >= side} and {@code floor(height / n) >= side}; 1 at least. */
    static int factor(long width, long height, int side) {
        if (side < 1) {
            throw new IllegalArgumentException("side must be >= 1, got " + side);
        }
        return (int) Math.max(1, Math.min(width, height) / side);
    }

    /** A factor as subsampling step times box side, at most {@code factor} in all. */
    static JpegReduction split(int factor) {
        if (factor < 2) {
            return NONE;
        }
        int subsample = Math.min(MAX_SUBSAMPLE, factor);
        return new JpegReduction(subsample, factor / subsample);
    }

    /** Asks the reader for every {@code subsample}-th pixel, taken from the middle of each step. */
    void configure(ImageReadParam param) {
        if (subsample > 1) {
            int offset = (subsample - 1) / 2;
            param.setSourceSubsampling(subsample, subsample, offset, offset);
        }
    }

    /**
     * Averages {@code box x box} blocks of packed 0xRRGGBB pixels, rounding to nearest. Blocks at
     * the right and bottom edges may be partial and average what they hold, so no source pixel
     * is dropped and the picture's extent is kept.
     */
    ImageDecoder.Rgb average(ImageDecoder.Rgb in) {
        if (box == 1) {
            return in;
        }
        int width = in.width();
        int height = in.height();
        int outWidth = (width + box - 1) / box;
        int outHeight = (height + box - 1) / box;
        int[] src = in.pixels();
        int[] out = new int[outWidth * outHeight];
        int[] r = new int[outWidth];
        int[] g = new int[outWidth];
        int[] b = new int[outWidth];
        for (int oy = 0; oy < outHeight; oy++) {
            Arrays.fill(r, 0);
            Arrays.fill(g, 0);
            Arrays.fill(b, 0);
            int rows = Math.min(box, height - oy * box);
            for (int y = oy * box; y < oy * box + rows; y++) {
                int row = y * width;
                for (int x = 0; x < width; x++) {
                    int p = src[row + x];
                    int ox = x / box;
                    r[ox] += (p >>> 16) & 0xFF;
                    g[ox] += (p >>> 8) & 0xFF;
                    b[ox] += p & 0xFF;
                }
            }
            for (int ox = 0; ox < outWidth; ox++) {
                int n = rows * Math.min(box, width - ox * box);
                int half = n / 2;
                out[oy * outWidth + ox] = ((r[ox] + half) / n << 16) | ((g[ox] + half) / n << 8) | (b[ox] + half) / n;
            }
        }
        return new ImageDecoder.Rgb(out, outWidth, outHeight);
    }
}
