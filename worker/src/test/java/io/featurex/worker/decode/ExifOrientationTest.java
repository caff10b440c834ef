package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {

    /**
     * 3x2 image:  a b c
     *             d e f
     */
    private static final int[] SRC = {'a', 'b', 'c', 'd', 'e', 'f'};

    @Test
    void eachOrientationAsPilExifTranspose() {
        assertThat(ExifOrientation.apply(SRC, 3, 2, 1)).containsExactly('a', 'b', 'c', 'd', 'e', 'f');
        assertThat(ExifOrientation.apply(SRC, 3, 2, 2)).containsExactly('c', 'b', 'a', 'f', 'e', 'd');
        assertThat(ExifOrientation.apply(SRC, 3, 2, 3)).containsExactly('f', 'e', 'd', 'c', 'b', 'a');
        assertThat(ExifOrientation.apply(SRC, 3, 2, 4)).containsExactly('d', 'e', 'f', 'a', 'b', 'c');
        // 2x3 results from here on.
        assertThat(ExifOrientation.apply(SRC, 3, 2, 5)).containsExactly('a', 'd', 'b', 'e', 'c', 'f');
        assertThat(ExifOrientation.apply(SRC, 3, 2, 6)).containsExactly('d', 'a', 'e', 'b', 'f', 'c');
        assertThat(ExifOrientation.apply(SRC, 3, 2, 7)).containsExactly('f', 'c', 'e', 'b', 'd', 'a');
        assertThat(ExifOrientation.apply(SRC, 3, 2, 8)).containsExactly('c', 'f', 'b', 'e', 'a', 'd');
    }

    @Test
    void readsTheTagFromBigAndLittleEndianExif() {
        assertThat(ExifOrientation.read(jpegWithOrientation(6, false))).isEqualTo(6);
        assertThat(ExifOrientation.read(jpegWithOrientation(8, true))).isEqualTo(8);
    }

    @Test
    void anythingElseIsUpright() {
        assertThat(ExifOrientation.read(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                .isEqualTo(1);
        assertThat(ExifOrientation.read(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2}))
                .isEqualTo(1);
        byte[] truncated = jpegWithOrientation(6, false);
        assertThat(ExifOrientation.read(Arrays.copyOf(truncated, 20))).isEqualTo(1);
    }

    /** SOI, an APP1 Exif segment with one IFD0 entry (orientation), then SOS. */
    private static byte[] jpegWithOrientation(int orientation, boolean little) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        writeBytes(tiff, little ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'});
        u16(tiff, 42, little);
        u32(tiff, 8, little);
        u16(tiff, 1, little); // one entry
        u16(tiff, 0x0112, little);
        u16(tiff, 3, little); // SHORT
        u32(tiff, 1, little);
        u16(tiff, orientation, little);
        u16(tiff, 0, little);
        u32(tiff, 0, little); // no next IFD
        byte[] body = tiff.toByteArray();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        writeBytes(jpeg, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1});
        int length = 2 + 6 + body.length;
        jpeg.write(length >> 8);
        jpeg.write(length & 0xFF);
        writeBytes(jpeg, new byte[] {'E', 'x', 'i', 'f', 0, 0});
        writeBytes(jpeg, body);
        writeBytes(jpeg, new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 2});
        return jpeg.toByteArray();
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes, 0, bytes.length);
    }

    private static void u16(ByteArrayOutputStream out, int v, boolean little) {
        if (little) {
            out.write(v & 0xFF);
            out.write(v >> 8);
        } else {
            out.write(v >> 8);
            out.write(v & 0xFF);
        }
    }

    private static void u32(ByteArrayOutputStream out, int v, boolean little) {
        if (little) {
            u16(out, v & 0xFFFF, true);
            u16(out, v >>> 16, true);
        } else {
            u16(out, v >>> 16, false);
            u16(out, v & 0xFFFF, false);
        }
    }
}
