package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CMYK JPEG against PIL's own decode of it (tools/golden/make_cmyk_golden.py), byte for byte, with each JPEG decoder. */
class CmykJpegTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden/cmyk");

    @Test
    void headerTellsCmykFromItsMarkers() throws Exception {
        assertThat(CmykJpeg.header(Files.readAllBytes(GOLDEN.resolve("photo-cmyk.jpg"))))
                .isEqualTo(new CmykJpeg.Header(4, true, 0));
        CmykJpeg.Header rgb =
                CmykJpeg.header(Files.readAllBytes(Path.of("src/test/resources/golden/images/rgb-landscape.jpg")));
        assertThat(rgb.components()).isEqualTo(3);
        assertThat(rgb.isCmyk()).isFalse();
        CmykJpeg.Header ycck = CmykJpeg.header(Files.readAllBytes(DecoderGoldenTest.DIR.resolve("ycck.jpg")));
        assertThat(ycck).isEqualTo(new CmykJpeg.Header(4, true, 2));
        assertThat(ycck.isYcck()).isTrue();
        assertThat(ycck.isCmyk()).isFalse();
        CmykJpeg.Header bare = CmykJpeg.header(Files.readAllBytes(DecoderGoldenTest.DIR.resolve("cmyk-no-adobe.jpg")));
        assertThat(bare).as("no Adobe marker: libjpeg reads CMYK").isEqualTo(new CmykJpeg.Header(4, false, -1));
        assertThat(bare.isCmyk()).isTrue();
        assertThat(CmykJpeg.header(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).isNull();
        assertThat(CmykJpeg.header(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}))
                .isNull();
    }

    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void pixelsAreWhatPilsConvertRgbMakes(JpegBackend backend) throws Exception {
        ImageDecoder decoder = NativeDecoders.spec(backend).decoderFor(Preprocessing.CAFFE, 224);
        ImageDecoder.Rgb rgb = decoder.readRgb(Files.readAllBytes(GOLDEN.resolve("photo-cmyk.jpg")));
        assertThat(rgb.width()).isEqualTo(192);
        assertThat(rgb.height()).isEqualTo(144);
        DecoderGoldenTest.assertSamePixels(
                "photo-cmyk.jpg " + backend.key(), rgb, Files.readAllBytes(GOLDEN.resolve("photo-cmyk.rgb")));
    }

    /** libjpeg's YCCK-to-CMYK arithmetic at the ends and the centre of its tables (the golden YCCK file checks all of it). */
    @Test
    void ycckBecomesCmykAsLibjpegConvertsIt() {
        int[] samples = {0, 128, 128, 7, 255, 128, 128, 9, 68, 229, 162, 2, 255, 255, 255, 0, 0, 0, 0, 0};
        YcckToCmyk.convert(samples);
        assertThat(samples)
                .containsExactly(
                        255, 255, 255, 7, // black of the inverted channels: white ink
                        0, 0, 0, 9, 139, 246, 8,
                        2, // a pixel of golden/decoders/ycck.jpg: libjpeg-turbo's CMYK for it, as PIL stores it
                        0, 134, 0, 0, // Y + Cr_r overflows 255: clamped
                        255, 120, 255, 0); // and the other end: 255 - (0 - 179) clamped
    }
}
