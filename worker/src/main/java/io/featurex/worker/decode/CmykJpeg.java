package io.featurex.worker.decode;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;

/**
 * Four-component (CMYK) JPEGs converted to RGB as PIL does: no colour management, just
 * {@code R = (255 - K) - C * (255 - K) / 255} (rounded as PIL's {@code MULDIV255}) on the samples as
 * stored, un-inverted first when an Adobe marker says they were written inverted (Photoshop
 * always does). ImageIO plugins apply the embedded or a default ICC profile instead, which
 * differs from what Keras and torchvision users get by tens of levels. YCCK (Adobe transform 2)
 * is not handled here: its samples need libjpeg's YCC conversion first.
 */
final class CmykJpeg {

    /** What the marker segments before the image data say. */
    record Header(int components, boolean adobe, int adobeTransform) {

        /** Four components stored as CMYK: what {@link #toRgb} converts. */
        boolean isCmyk() {
            return components == 4 && !(adobe && adobeTransform == 2);
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
            if (marker == 0xEE && length >= 12 && body + 12 <= b.length
                    && b[body] == 'A' && b[body + 1] == 'd' && b[body + 2] == 'o' && b[body + 3] == 'b' && b[body + 4] == 'e') {
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

    /** Stored CMYK samples to a 3-byte BGR image, PIL's {@code convert('RGB')} of {@code CMYK} (or {@code CMYK;I}). */
    static BufferedImage toRgb(Raster cmyk, boolean inverted) {
        int width = cmyk.getWidth();
        int height = cmyk.getHeight();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        int[] row = new int[width * 4];
        int o = 0;
        for (int y = 0; y < height; y++) {
            cmyk.getPixels(cmyk.getMinX(), cmyk.getMinY() + y, width, 1, row);
            for (int x = 0; x < width * 4; x += 4) {
                int c = inverted ? 255 - row[x] : row[x];
                int m = inverted ? 255 - row[x + 1] : row[x + 1];
                int yellow = inverted ? 255 - row[x + 2] : row[x + 2];
                int notK = inverted ? row[x + 3] : 255 - row[x + 3];
                bgr[o++] = (byte) (notK - mulDiv255(yellow, notK));
                bgr[o++] = (byte) (notK - mulDiv255(m, notK));
                bgr[o++] = (byte) (notK - mulDiv255(c, notK));
            }
        }
        return out;
    }

    /** a * b / 255, rounded the way PIL's MULDIV255 macro rounds (never above a or b: no clipping needed). */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
