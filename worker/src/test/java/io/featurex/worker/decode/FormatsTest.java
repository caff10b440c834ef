package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Formats people send are decoded, not dead-lettered, into the picture PIL sees: the files and
 * PIL's per-channel means come from tools/make_format_samples.py.
 */
class FormatsTest {

    private static final Path DIR = Path.of("src/test/resources/formats");
    /** Decoded by another library than PIL's (TwelveMonkeys): same picture, not the same rounding. */
    private static final Set<String> APPROXIMATE = Set.of("lossy.webp");

    static Stream<String> rows() throws Exception {
        List<String> lines = Files.readAllLines(DIR.resolve("expected.tsv"));
        return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decodesAsPilDoes(String row) throws Exception {
        String[] f = row.split("\t");
        String file = f[0];
        ImageDecoder decoder = DecodeSpec.defaults(Long.MAX_VALUE).decoderFor(Preprocessing.CAFFE, 224);
        ImageDecoder.Rgb rgb = decoder.readRgb(Files.readAllBytes(DIR.resolve(file)));
        assertThat(rgb.width()).isEqualTo(Integer.parseInt(f[2]));
        assertThat(rgb.height()).isEqualTo(Integer.parseInt(f[3]));
        assertThat(decoder.decode(Files.readAllBytes(DIR.resolve(file)))).hasSize(224 * 224 * 3);
        double[] mean = new double[3];
        for (int p : rgb.pixels()) {
            mean[0] += (p >>> 16) & 0xFF;
            mean[1] += (p >>> 8) & 0xFF;
            mean[2] += p & 0xFF;
        }
        double tolerance = APPROXIMATE.contains(file) ? 2.5 : 1e-3;
        for (int c = 0; c < 3; c++) {
            mean[c] /= rgb.pixels().length;
            double expected = Double.parseDouble(f[4 + c]);
            System.out.printf("format %-16s %-5s channel %d mean %.4f, PIL %.4f%n", file, f[1], c, mean[c], expected);
            assertThat(mean[c]).as(file + " channel " + c).isCloseTo(expected, org.assertj.core.data.Offset.offset(tolerance));
        }
    }
}
