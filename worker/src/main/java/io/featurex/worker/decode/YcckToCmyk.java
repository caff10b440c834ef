package io.featurex.worker.decode;

/**
 * YCCK samples (Adobe transform 2: the C, M and Y channels stored as YCbCr of their inverse,
 * K as is) back to CMYK, with the arithmetic of libjpeg's {@code ycck_cmyk_convert}: 16-bit fixed
 * point, the same rounded tables, clamped to 0-255. What libjpeg-turbo hands PIL, for the ImageIO
 * path, whose JDK reader leaves YCCK unconverted in its raster.
 */
final class YcckToCmyk {

    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private YcckToCmyk() {}

    private static int fix(double x) {
        return (int) (x * (1L << SCALE_BITS) + 0.5);
    }

    /** In place, on interleaved Y, Cb, Cr, K samples (4 ints a pixel). */
    static void convert(int[] samples) {
        for (int o = 0; o + 3 < samples.length; o += 4) {
            int y = samples[o];
            int cb = samples[o + 1];
            int cr = samples[o + 2];
            samples[o] = clamp(255 - (y + CR_R[cr]));
            samples[o + 1] = clamp(255 - (y + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS)));
            samples[o + 2] = clamp(255 - (y + CB_B[cb]));
        }
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
