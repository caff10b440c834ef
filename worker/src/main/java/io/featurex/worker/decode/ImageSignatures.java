package io.featurex.worker.decode;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What the first and last bytes of a file tell about its format and completeness. */
final class ImageSignatures {

    private ImageSignatures() {}

    /** Starts with a JPEG's SOI marker. */
    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    /** A RIFF container of the WEBP form. */
    static boolean isWebp(byte[] b) {
        return b.length >= 12
                && b[0] == 'R'
                && b[1] == 'I'
                && b[2] == 'F'
                && b[3] == 'F'
                && b[8] == 'W'
                && b[9] == 'E'
                && b[10] == 'B'
                && b[11] == 'P';
    }

    /** A RIFF file shorter than its header says. */
    static boolean riffEndsEarly(byte[] b) {
        if (b.length < 8) {
            return true;
        }
        long declared = (b[4] & 0xFFL) | (b[5] & 0xFFL) << 8 | (b[6] & 0xFFL) << 16 | (b[7] & 0xFFL) << 24;
        return 8 + declared > b.length;
    }

    /** A PNG without its IEND chunk or a JPEG without its EOI marker near the end was cut short. */
    static boolean endsEarly(byte[] b) {
        int n = b.length;
        if (n >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return !(n >= 12 && b[n - 8] == 'I' && b[n - 7] == 'E' && b[n - 6] == 'N' && b[n - 5] == 'D');
        }
        if (n >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            for (int i = n - 2; i >= Math.max(2, n - 1024); i--) {
                if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                    return false;
                }
            }
            return true;
        }
        if (isWebp(b)) {
            return riffEndsEarly(b);
        }
        return false;
    }

    /** Image formats recognised by their signature that no installed reader decodes. */
    static String knownUnsupported(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1);
        if (head.length() >= 12 && head.startsWith("ftyp", 4)) {
            String brand = head.substring(8, 12);
            if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")) {
                return "HEIF/HEIC";
            }
            if (brand.startsWith("avi")) {
                return "AVIF";
            }
        }
        if (head.startsWith("\0\0\0\fjP  ") || head.startsWith("\u00FFO\u00FFQ")) {
            return "JPEG 2000";
        }
        if (head.startsWith("8BPS")) {
            return "Photoshop";
        }
        if (head.startsWith("\u00FF\n") || head.startsWith("\0\0\0\fJXL ")) {
            return "JPEG XL";
        }
        String text = head.stripLeading().toLowerCase(Locale.ROOT);
        if (text.startsWith("<svg")
                || (text.startsWith("<?xml") && new String(b, StandardCharsets.ISO_8859_1).contains("<svg"))) {
            return "SVG";
        }
        return null;
    }

    /** The first bytes in hex, for messages. */
    static String magic(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i]));
        }
        return hex.length() == 0 ? "<empty>" : hex.toString();
    }
}
