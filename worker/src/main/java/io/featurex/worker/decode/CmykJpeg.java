package io.featurex.worker.decode;

import java.awt.image.Raster;

/**
 * Four-component (CMYK and YCCK) JPEGs converted to RGB as PIL does: no colour management, just
 * {@code R = (255 - K) - C * (255 - K) / 255} (rounded as PIL's {@code MULDIV255}) on the samples
 * un-inverted first. PIL assumes Adobe polarity (inverted samples, as Photoshop writes them) for
 * every CMYK JPEG, Adobe marker or not ({@code "CMYK;I"}), so this does too. YCCK samples are
 * first turned into CMYK as libjpeg does ({@link YcckToCmyk}); libjpeg-turbo does it itself.
 * ImageIO plugins apply the embedded or a default ICC profile instead, which differs from what
 * Keras and torchvision users get by tens of levels.
 */
final class CmykJpeg {

    /** What the marker segments before the image data say. */
    record Header(int components, boolean adobe, int adobeTransform) {

        /** Four components stored as CMYK. */
        boolean isCmyk() {
            return components == 4 && !isYcck();
        }

        /** Four components stored as YCCK: libjpeg's reading of an Adobe transform other than 0. */
        boolean isYcck() {
            return components == 4 && adobe && adobeTransform != 0;
        }
    }

    private CmykJpeg() {}

    /** @return null when the bytes are not a JPEG or end before a frame header */
    static Header header(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return null;
        }
        boolean adobe = false;
        int transform = -1;
        int i = 2;
        while (i + 4 <= b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            int body = i + 4;
            if (marker == 0xEE
                    && length >= 12
                    && body + 12 <= b.length
                    && b[body] == 'A'
                    && b[body + 1] == 'd'
                    && b[body + 2] == 'o'
                    && b[body + 3] == 'b'
                    && b[body + 4] == 'e') {
                adobe = true;
                transform = b[body + 11] & 0xFF;
            }
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                return body + 5 < b.length ? new Header(b[body + 5] & 0xFF, adobe, transform) : null;
            }
            if (marker == 0xDA) {
                return null; // image data before any frame header: malformed, the reader will say so
            }
            i += 2 + length;
        }
        return null;
    }

    /**
     * Interleaved stored CMYK samples (4 bytes a pixel) to packed 0xRRGGBB, PIL's
     * {@code convert('RGB')} of {@code CMYK;I}, written to {@code rgb} from {@code at} on.
     */
    static void toRgb(byte[] cmyk, int[] rgb, int at) {
        for (int i = at, o = 0; o + 3 < cmyk.length; i++, o += 4) {
            rgb[i] = pack(cmyk[o] & 0xFF, cmyk[o + 1] & 0xFF, cmyk[o + 2] & 0xFF, cmyk[o + 3] & 0xFF);
        }
    }

    /**
     * A four-band raster of stored samples (ImageIO's {@code readRaster}) to packed 0xRRGGBB.
     *
     * @param ycck the samples are YCCK (Adobe transform 2), as the JDK's reader leaves them
     */
    static int[] toRgb(Raster samples, boolean ycck) {
        int width = samples.getWidth();
        int height = samples.getHeight();
        int[] rgb = new int[width * height];
        int[] row = new int[width * 4];
        for (int y = 0; y < height; y++) {
            samples.getPixels(samples.getMinX(), samples.getMinY() + y, width, 1, row);
            if (ycck) {
                YcckToCmyk.convert(row);
            }
            for (int x = 0, o = 0; x < width; x++, o += 4) {
                rgb[y * width + x] = pack(row[o], row[o + 1], row[o + 2], row[o + 3]);
            }
        }
        return rgb;
    }

    /** One pixel of stored (inverted) C, M, Y, K samples. */
    private static int pack(int storedC, int storedM, int storedY, int storedK) {
        int notK = storedK; // K un-inverted is 255 - storedK, and 255 minus that is storedK
        int r = notK - mulDiv255(255 - storedC, notK);
        int g = notK - mulDiv255(255 - storedM, notK);
        int b = notK - mulDiv255(255 - storedY, notK);
        return (r << 16) | (g << 8) | b;
    }

    /** a * b / 255, rounded the way PIL's MULDIV255 macro rounds (never above a or b: no clipping needed). */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
