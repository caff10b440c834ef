package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The image kinds where decoders disagree, against PIL 9.4's pixels for them
 * (tools/golden/make_decoder_golden.py): ICC profile, YCCK, CMYK without an Adobe marker, 4:2:2
 * and 4:4:0 chroma, lossy WebP with and without alpha; and the reduced decode against PIL's
 * {@code Image.draft()}. Sample for sample, with each JPEG decoder.
 */
class DecoderGoldenTest {

    static final Path DIR = Path.of("src/test/resources/golden/decoders");
    private static final List<String> JPEGS =
            List.of("icc-adobe-rgb.jpg", "ycck.jpg", "cmyk-no-adobe.jpg", "rgb-422.jpg", "rgb-440.jpg");
    private static final List<String> WEBPS = List.of("lossy.webp", "lossy-alpha.webp");

    static Stream<Arguments> jpegs() {
        return JPEGS.stream().flatMap(f -> NativeDecoders.jpegBackends().map(b -> Arguments.of(f, b)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jpegs")
    void jpegPixelsAreWhatPilDecodes(String file, JpegBackend backend) throws Exception {
        ImageDecoder decoder = NativeDecoders.spec(backend).decoderFor(Preprocessing.CAFFE, 224);
        assertSamePixels(file + " " + backend.key(), decoder.readRgb(Files.readAllBytes(DIR.resolve(file))), pil(file));
    }

    static Stream<String> webps() {
        return WEBPS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("webps")
    void webpPixelsAreWhatPilDecodesWithLibwebp(String file) throws Exception {
        NativeDecoders.assumeWebp();
        ImageDecoder decoder = DecodeSpec.defaults(Long.MAX_VALUE).decoderFor(Preprocessing.CAFFE, 224);
        assertThat(decoder.decoders()).contains("webp=libwebp");
        assertSamePixels(file + " libwebp", decoder.readRgb(Files.readAllBytes(DIR.resolve(file))), pil(file));
    }

    /** What the fallback costs, printed: TwelveMonkeys' VP8 decoder rounds otherwise than libwebp. */
    @Test
    void theImageIoWebpFallbackIsCloseButNotExact() throws Exception {
        ImageDecoder fallback = new ImageDecoder(
                Preprocessing.CAFFE, ResizePolicy.KERAS, 224, Long.MAX_VALUE, false, false, null, null);
        for (String file : WEBPS) {
            Difference d = difference(fallback.readRgb(Files.readAllBytes(DIR.resolve(file))), pil(file));
            System.out.printf(
                    "WebP %s via ImageIO (TwelveMonkeys) vs PIL: %d of %d samples differ, max %d, mean %.3f levels%n",
                    file, d.differing(), d.samples(), d.max(), d.mean());
            assertThat(d.mean()).as("still the same picture").isLessThan(8.0);
        }
    }

    /** The ICC test image is one whose profile matters: applied, as the JDK reader does by itself, it moves pixels far. */
    @Test
    void applyingTheIccProfileWouldHaveMovedThePixels() throws Exception {
        BufferedImage managed =
                ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(DIR.resolve("icc-adobe-rgb.jpg"))));
        int[] rgb = managed.getRGB(0, 0, managed.getWidth(), managed.getHeight(), null, 0, managed.getWidth());
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] &= 0xFFFFFF;
        }
        Difference d = difference(
                new ImageDecoder.Rgb(rgb, managed.getWidth(), managed.getHeight()), pil("icc-adobe-rgb.jpg"));
        System.out.printf(
                "icc-adobe-rgb.jpg colour-managed by ImageIO vs PIL: %d of %d samples differ, max %d%n",
                d.differing(), d.samples(), d.max());
        assertThat(d.max()).isGreaterThan(20);
    }

    static Stream<Arguments> reduced() {
        return Stream.of(Arguments.of("reduce-600x520.jpg", 300, 260), Arguments.of("reduce-2560x2048.jpg", 320, 256))
                .flatMap(a -> Stream.of(Preprocessing.values())
                        .map(m -> Arguments.of(a.get()[0], a.get()[1], a.get()[2], m)));
    }

    /** decode.jpeg-reduce with libjpeg-turbo is PIL's Image.draft() at the same scale, bit for bit. */
    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("reduced")
    void theReducedDecodeIsPilsDraft(String file, int width, int height, Preprocessing mode) throws Exception {
        ImageDecoder decoder =
                NativeDecoders.spec(JpegBackend.TURBO).withJpegReduce(true).decoderFor(mode, 224);
        ImageDecoder.Rgb rgb = decoder.readRgb(Files.readAllBytes(DIR.resolve(file)));
        assertThat(rgb.width()).isEqualTo(width);
        assertThat(rgb.height()).isEqualTo(height);
        assertSamePixels(
                file + " reduced " + mode.key(), rgb, gunzip(DIR.resolve(file.replace(".jpg", ".reduced.rgb.gz"))));
    }

    static byte[] pil(String file) throws IOException {
        return gunzip(DIR.resolve(file.substring(0, file.lastIndexOf('.')) + ".rgb.gz"));
    }

    static byte[] gunzip(Path path) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
            return in.readAllBytes();
        }
    }

    record Difference(int differing, int samples, int max, double mean) {}

    static Difference difference(ImageDecoder.Rgb ours, byte[] pil) {
        assertThat(ours.pixels().length * 3).as("size").isEqualTo(pil.length);
        int differing = 0;
        int max = 0;
        long sum = 0;
        for (int i = 0; i < ours.pixels().length; i++) {
            int p = ours.pixels()[i];
            int[] rgb = {(p >>> 16) & 0xFF, (p >>> 8) & 0xFF, p & 0xFF};
            for (int c = 0; c < 3; c++) {
                int d = Math.abs(rgb[c] - (pil[i * 3 + c] & 0xFF));
                max = Math.max(max, d);
                sum += d;
                differing += d == 0 ? 0 : 1;
            }
        }
        return new Difference(differing, pil.length, max, (double) sum / pil.length);
    }

    static void assertSamePixels(String what, ImageDecoder.Rgb ours, byte[] pil) {
        Difference d = difference(ours, pil);
        System.out.printf(
                "decoder golden %-36s vs PIL: %d of %d samples differ, max %d%n",
                what, d.differing(), d.samples(), d.max());
        assertThat(d.max()).as(what).isZero();
    }
}
