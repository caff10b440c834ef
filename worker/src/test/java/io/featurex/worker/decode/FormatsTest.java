package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Formats people send are decoded, not dead-lettered, into the picture PIL sees: the files, PIL's
 * per-channel means and the EXIF orientation PIL reads come from tools/make_format_samples.py.
 * With each JPEG decoder.
 */
class FormatsTest {

    private static final Path DIR = Path.of("src/test/resources/formats");

    static Stream<Arguments> rows() throws Exception {
        List<String> lines = Files.readAllLines(DIR.resolve("expected.tsv"));
        return lines.subList(1, lines.size()).stream()
                .filter(l -> !l.isBlank())
                .flatMap(row -> NativeDecoders.jpegBackends().map(b -> Arguments.of(row.split("\t")[0], b, row)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rows")
    void decodesAsPilDoes(String file, JpegBackend backend, String row) throws Exception {
        String[] f = row.split("\t");
        ImageDecoder decoder = NativeDecoders.spec(backend).decoderFor(Preprocessing.CAFFE, 224);
        byte[] bytes = Files.readAllBytes(DIR.resolve(file));
        ImageDecoder.Rgb rgb = decoder.readRgb(bytes);
        assertThat(rgb.width()).isEqualTo(Integer.parseInt(f[2]));
        assertThat(rgb.height()).isEqualTo(Integer.parseInt(f[3]));
        assertThat(decoder.decode(bytes)).hasSize(224 * 224 * 3);
        double[] mean = new double[3];
        for (int p : rgb.pixels()) {
            mean[0] += (p >>> 16) & 0xFF;
            mean[1] += (p >>> 8) & 0xFF;
            mean[2] += p & 0xFF;
        }
        // Without libwebp, lossy WebP goes to TwelveMonkeys' decoder: the same picture, not the same rounding.
        boolean approximate = (file.equals("lossy.webp") || file.equals("animated.webp"))
                && !decoder.decoders().contains("webp=libwebp");
        double tolerance = approximate ? 2.5 : 1e-3;
        for (int c = 0; c < 3; c++) {
            mean[c] /= rgb.pixels().length;
            double expected = Double.parseDouble(f[4 + c]);
            System.out.printf(
                    "format %-16s %-5s %-7s channel %d mean %.4f, PIL %.4f%s%n",
                    file,
                    f[1],
                    backend.key(),
                    c,
                    mean[c],
                    expected,
                    approximate ? " (approximate: libwebp missing)" : "");
            assertThat(mean[c]).as(file + " channel " + c).isCloseTo(expected, Offset.offset(tolerance));
        }
        int orientation = Integer.parseInt(f[7]);
        assertThat(ExifOrientation.read(bytes)).as(file + " EXIF orientation").isEqualTo(orientation);
        if (orientation >= 5) {
            ImageDecoder upright = new DecodeSpec(
                            Optional.empty(), Optional.empty(), true, Long.MAX_VALUE, false, Optional.of(backend))
                    .decoderFor(Preprocessing.CAFFE, 224);
            ImageDecoder.Rgb turned = upright.readRgb(bytes);
            assertThat(turned.width())
                    .as("ImageOps.exif_transpose swaps the sides")
                    .isEqualTo(rgb.height());
            assertThat(turned.height()).isEqualTo(rgb.width());
        }
    }
}
