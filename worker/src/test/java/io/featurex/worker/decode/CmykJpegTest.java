package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** CMYK JPEG against PIL's own decode of it (tools/golden/make_cmyk_golden.py), byte for byte. */
class CmykJpegTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden/cmyk");

    @Test
    void headerTellsCmykFromItsMarkers() throws Exception {
        assertThat(CmykJpeg.header(Files.readAllBytes(GOLDEN.resolve("photo-cmyk.jpg"))))
                .isEqualTo(new CmykJpeg.Header(4, true, 0));
        CmykJpeg.Header rgb = CmykJpeg.header(Files.readAllBytes(Path.of("src/test/resources/golden/images/rgb-landscape.jpg")));
        assertThat(rgb.components()).isEqualTo(3);
        assertThat(rgb.isCmyk()).isFalse();
        assertThat(new CmykJpeg.Header(4, true, 2).isCmyk()).as("YCCK").isFalse();
        assertThat(new CmykJpeg.Header(4, false, -1).isCmyk()).isTrue();
        assertThat(CmykJpeg.header(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).isNull();
        assertThat(CmykJpeg.header(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})).isNull();
    }

    @Test
    void pixelsAreWhatPilsConvertRgbMakes() throws Exception {
        ImageDecoder decoder = DecodeSpec.defaults(Long.MAX_VALUE).decoderFor(Preprocessing.CAFFE, 224);
        ImageDecoder.Rgb rgb = decoder.readRgb(Files.readAllBytes(GOLDEN.resolve("photo-cmyk.jpg")));
        byte[] pil = Files.readAllBytes(GOLDEN.resolve("photo-cmyk.rgb"));
        assertThat(rgb.width()).isEqualTo(192);
        assertThat(rgb.height()).isEqualTo(144);
        int differing = 0;
        int max = 0;
        for (int i = 0; i < rgb.pixels().length; i++) {
            int p = rgb.pixels()[i];
            int[] ours = {(p >>> 16) & 0xFF, (p >>> 8) & 0xFF, p & 0xFF};
            for (int c = 0; c < 3; c++) {
                int d = Math.abs(ours[c] - (pil[i * 3 + c] & 0xFF));
                max = Math.max(max, d);
                differing += d == 0 ? 0 : 1;
            }
        }
        System.out.printf("CMYK JPEG vs PIL: %d of %d samples differ, max %d%n", differing, pil.length, max);
        assertThat(max).isZero();
    }
}
