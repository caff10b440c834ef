package io.featurex.worker.decode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Removes a JPEG's embedded ICC profile (APP2 "ICC_PROFILE" segments) before ImageIO sees it.
 * PIL decodes the stored samples and leaves the profile in {@code info}; the JDK's reader
 * converts the pixels through it (0.9998 cosine on an Adobe RGB photo), and offers no switch to
 * stop. Without the segments it reads the stored samples, as PIL does; nothing else in the file
 * changes how libjpeg decodes it.
 */
final class JpegIccProfile {

    private static final byte[] ICC_ID = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);

    private JpegIccProfile() {}

    /** @return the bytes themselves when they hold no profile or are not a well-formed JPEG header */
    static byte[] strip(byte[] jpeg) {
        if (!ImageSignatures.isJpeg(jpeg)) {
            return jpeg;
        }
        ByteArrayOutputStream out = null;
        int copied = 0;
        int i = 2;
        while (i + 4 <= jpeg.length) {
            if ((jpeg[i] & 0xFF) != 0xFF) {
                return jpeg;
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xDA) {
                break; // the scan: no more profile segments come
            }
            int end = i + 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
            if (end > jpeg.length) {
                return jpeg;
            }
            if (marker == 0xE2 && isIcc(jpeg, i + 4, end)) {
                if (out == null) {
                    out = new ByteArrayOutputStream(jpeg.length);
                }
                out.write(jpeg, copied, i - copied);
                copied = end;
            }
            i = end;
        }
        if (out == null) {
            return jpeg;
        }
        out.write(jpeg, copied, jpeg.length - copied);
        return out.toByteArray();
    }

    private static boolean isIcc(byte[] b, int body, int end) {
        if (end - body < ICC_ID.length) {
            return false;
        }
        for (int k = 0; k < ICC_ID.length; k++) {
            if (b[body + k] != ICC_ID[k]) {
                return false;
            }
        }
        return true;
    }
}
