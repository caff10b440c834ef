package io.featurex.worker.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featurex.worker.decode.JpegBackend;
import io.featurex.worker.decode.NativeDecoders;
import io.featurex.worker.decode.Preprocessing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Our decode + resize + preprocessing against PIL and torchvision's, value for value, with each JPEG decoder. */
class GoldenPreprocessingTest {

    /** One image of each kind decoders disagree on (golden/decoders, tools/golden/make_decoder_golden.py). */
    private static final List<String> DECODER_KINDS = List.of("icc-adobe-rgb.jpg", "ycck.jpg", "lossy.webp");

    static Stream<Arguments> cases() {
        return Golden.IMAGES.stream()
                .flatMap(image -> Golden.MODES.stream().map(mode -> Arguments.of(image, mode)))
                .filter(a -> Golden.hasTensor((String) a.get()[0], (String) a.get()[1]))
                .flatMap(a -> NativeDecoders.jpegBackends().map(b -> Arguments.of(a.get()[0], a.get()[1], b)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void networkInputMatchesTheReference(String image, String mode, JpegBackend backend) throws Exception {
        Preprocessing preprocessing = Preprocessing.fromKey(mode);
        float[] ours = NativeDecoders.spec(backend)
                .decoderFor(preprocessing, 224)
                .decode(Files.readAllBytes(Golden.image(image)));
        float[] theirs = Golden.tensor(image, mode);
        double diff = Golden.maxAbsDiff(ours, theirs);
        System.out.printf("golden preprocessing %-22s %-5s %-7s max |diff| = %.3g%n", image, mode, backend.key(), diff);
        // Bit-identical, JPEGs included: libjpeg-turbo is PIL's own library, and the JDK's IJG
        // decoder (ISLOW IDCT, fancy upsampling) agrees with it on these files.
        assertThat(diff).isZero();
    }

    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void cmykJpegNetworkInputMatchesPils(JpegBackend backend) throws Exception {
        Path dir = Golden.root().resolve("cmyk");
        float[] ours = NativeDecoders.spec(backend)
                .decoderFor(Preprocessing.CAFFE, 224)
                .decode(Files.readAllBytes(dir.resolve("photo-cmyk.jpg")));
        assertThat(Golden.maxAbsDiff(ours, gunzipFloats(dir.resolve("photo-cmyk.caffe.f32.gz"))))
                .isZero();
    }

    static Stream<Arguments> decoderKinds() {
        return DECODER_KINDS.stream()
                .flatMap(image -> Golden.MODES.stream()
                        .flatMap(mode -> (image.endsWith(".jpg")
                                        ? NativeDecoders.jpegBackends()
                                        : Stream.of(JpegBackend.IMAGEIO))
                                .map(b -> Arguments.of(image, mode, b))));
    }

    /**
     * ICC profile ignored, YCCK converted, lossy WebP by libwebp: each as PIL decodes it, through
     * resize and preprocessing (WebP runs once: the JPEG decoder plays no part in it).
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("decoderKinds")
    void imageKindsDecodersDisagreeOnGivePilsNetworkInput(String image, String mode, JpegBackend backend)
            throws Exception {
        if (image.endsWith(".webp")) {
            NativeDecoders.assumeWebp();
        }
        Path dir = Golden.root().resolve("decoders");
        float[] ours = NativeDecoders.spec(backend)
                .decoderFor(Preprocessing.fromKey(mode), 224)
                .decode(Files.readAllBytes(dir.resolve(image)));
        float[] theirs = gunzipFloats(dir.resolve(Golden.stem(image) + "." + mode + ".f32.gz"));
        double diff = Golden.maxAbsDiff(ours, theirs);
        System.out.printf(
                "golden preprocessing %-22s %-5s %-7s max |diff| = %.3g%n",
                image, mode, image.endsWith(".jpg") ? backend.key() : "libwebp", diff);
        assertThat(diff).isZero();
    }

    /** Every other golden image is enlarged or kept: this one is shrunk on both axes, PIL's antialiasing side. */
    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void aShrinkingResizeGivesPilsNetworkInput(JpegBackend backend) throws Exception {
        Path dir = Golden.root().resolve("decoders");
        float[] ours = NativeDecoders.spec(backend)
                .decoderFor(Preprocessing.TORCH, 224)
                .decode(Files.readAllBytes(dir.resolve("reduce-600x520.jpg")));
        assertThat(Golden.maxAbsDiff(ours, gunzipFloats(dir.resolve("reduce-600x520.torch.f32.gz"))))
                .isZero();
    }

    /** The two images whose tensors are not stored: their SHA-256 is, in the manifest. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"rgb-portrait.png, caffe", "rgb-portrait.png, torch", "rgb-224.png, caffe", "rgb-224.png, torch"})
    void unstoredTensorsHaveTheManifestsDigest(String image, String mode) throws Exception {
        float[] ours = NativeDecoders.spec(JpegBackend.IMAGEIO)
                .decoderFor(Preprocessing.fromKey(mode), 224)
                .decode(Files.readAllBytes(Golden.image(image)));
        ByteBuffer bytes = ByteBuffer.allocate(ours.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(ours);
        String digest =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        JsonNode entry = null;
        for (JsonNode e : new ObjectMapper()
                .readTree(Golden.root().resolve("manifest.json").toFile())
                .get("images")) {
            if (e.get("file").asText().equals("images/" + image)) {
                entry = e;
            }
        }
        assertThat(entry).as(image + " in the manifest").isNotNull();
        assertThat(digest)
                .isEqualTo(entry.get(mode).get("tensor_sha256_uncompressed").asText());
    }

    private static float[] gunzipFloats(Path path) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
            return Golden.floats(in.readAllBytes());
        }
    }
}
