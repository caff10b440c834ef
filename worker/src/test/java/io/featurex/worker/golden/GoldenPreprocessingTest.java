package io.featurex.worker.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.Preprocessing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our decode + resize + preprocessing against PIL and torchvision's, value for value. */
class GoldenPreprocessingTest {

    static Stream<Arguments> cases() {
        return Golden.IMAGES.stream()
                .flatMap(image -> Golden.MODES.stream().map(mode -> Arguments.of(image, mode)))
                .filter(a -> Golden.hasTensor((String) a.get()[0], (String) a.get()[1]));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void networkInputMatchesTheReference(String image, String mode) throws Exception {
        Preprocessing preprocessing = Preprocessing.fromKey(mode);
        float[] ours = DecodeSpec.defaults(Long.MAX_VALUE).decoderFor(preprocessing, 224).decode(Files.readAllBytes(Golden.image(image)));
        float[] theirs = Golden.tensor(image, mode);
        double diff = Golden.maxAbsDiff(ours, theirs);
        System.out.printf("golden preprocessing %-22s %-5s max |diff| = %.3g%n", image, mode, diff);
        // Bit-identical, JPEGs included: ImageIO's IJG decoder (ISLOW IDCT, fancy upsampling)
        // agrees with PIL's libjpeg-turbo on these files, baseline 4:2:0 and progressive 4:4:4.
        assertThat(diff).isZero();
    }

    @org.junit.jupiter.api.Test
    void cmykJpegNetworkInputMatchesPils() throws Exception {
        Path dir = Golden.root().resolve("cmyk");
        float[] ours = DecodeSpec.defaults(Long.MAX_VALUE).decoderFor(Preprocessing.CAFFE, 224).decode(Files.readAllBytes(dir.resolve("photo-cmyk.jpg")));
        float[] theirs;
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(dir.resolve("photo-cmyk.caffe.f32.gz")))) {
            theirs = Golden.floats(in.readAllBytes());
        }
        assertThat(Golden.maxAbsDiff(ours, theirs)).isZero();
    }
}
