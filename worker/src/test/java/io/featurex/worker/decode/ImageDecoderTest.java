package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {

    private static final int SIZE = 224;

    @ParameterizedTest
    @ValueSource(strings = {"cat.jpg", "astronaut.png", "camera.png", "horse.png", "hubble-deep-field.jpg"})
    void decodesEverySampleToANetworkInput(String name) throws Exception {
        for (Preprocessing mode : Preprocessing.values()) {
            float[] pixels = decoder(mode).decode(sample(name));
            assertThat(pixels).hasSize(SIZE * SIZE * 3);
            for (float v : pixels) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void grayImagesTakeTheirRawSampleInEveryChannel() throws Exception {
        BufferedImage gray = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 0, 0, 100);
        int[] rgb = ImageIoDecoder.toRgb(gray);
        assertThat(rgb[1]).isEqualTo((100 << 16) | (100 << 8) | 100);
        assertThat(rgb[0]).isZero();
    }

    @Test
    void alphaIsDroppedNotComposited() {
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00_10_20_30); // fully transparent, colour kept
        assertThat(ImageIoDecoder.toRgb(argb)[0]).isEqualTo(0x10_20_30);
    }

    @ParameterizedTest
    @EnumSource(Preprocessing.class)
    void aUniformImageStaysUniformThroughResizeAndCrop(Preprocessing mode) throws Exception {
        BufferedImage image = new BufferedImage(640, 300, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 640; x++) {
                image.setRGB(x, y, 0x40_80_C0);
            }
        }
        float[] pixels = decoder(mode).decode(png(image));
        float[] first = Arrays.copyOf(pixels, 3);
        for (int i = 0; i < pixels.length; i += 3) {
            assertThat(Arrays.copyOfRange(pixels, i, i + 3)).containsExactly(first);
        }
        float[] expected = mode.toTensor(new int[] {0x40_80_C0});
        assertThat(first).containsExactly(expected);
    }

    @Test
    void caffeModeIsBgrMinusTheImageNetMeans() {
        float[] t = Preprocessing.CAFFE.toTensor(new int[] {(200 << 16) | (100 << 8) | 50});
        assertThat(t[0]).isEqualTo(50 - 103.939f);
        assertThat(t[1]).isEqualTo(100 - 116.779f);
        assertThat(t[2]).isEqualTo(200 - 123.68f);
    }

    @Test
    void torchModeIsRgbNormalised() {
        float[] t = Preprocessing.TORCH.toTensor(new int[] {(255 << 16)});
        assertThat(t[0]).isCloseTo((1f - 0.485f) / 0.229f, Offset.offset(1e-6f));
        assertThat(t[1]).isCloseTo((0f - 0.456f) / 0.224f, Offset.offset(1e-6f));
    }

    @Test
    void nearestStretchPicksPixelCentres() {
        // 4x1 image shrunk to 2x1: centres at 1.0 and 3.0 -> source pixels 1 and 3.
        int[] out = Resampler.nearest(new int[] {10, 11, 12, 13}, 4, 1, 2, 1);
        assertThat(out).containsExactly(11, 13);
    }

    /** Expected values printed by PIL 9.4 (Debian's python3-pil), Image.resize on mode L rows. */
    @Test
    void resamplingMatchesPil() {
        assertThat(gray(Resampler.bilinear(rgb(0, 0, 200, 200), 4, 1, 2, 1))).containsExactly(29, 171);
        assertThat(gray(Resampler.bilinear(rgb(10, 50, 90, 130, 250), 5, 1, 3, 1)))
                .containsExactly(27, 90, 199);
        assertThat(gray(Resampler.nearest(rgb(10, 50, 90, 130, 250), 5, 1, 2, 1)))
                .containsExactly(50, 130);
        assertThat(gray(Resampler.bilinear(rgb(10, 50, 90, 130, 250), 5, 1, 8, 1)))
                .containsExactly(10, 28, 53, 78, 103, 128, 198, 250);
    }

    private static int[] rgb(int... gray) {
        return Arrays.stream(gray).map(v -> (v << 16) | (v << 8) | v).toArray();
    }

    private static int[] gray(int[] rgb) {
        for (int p : rgb) {
            assertThat(p >>> 16).isEqualTo(p & 0xFF);
        }
        return Arrays.stream(rgb).map(p -> p & 0xFF).toArray();
    }

    @Test
    void pixelBombsAreRefusedFromTheHeader() throws Exception {
        byte[] big = png(new BufferedImage(2000, 2000, BufferedImage.TYPE_BYTE_GRAY));
        ImageDecoder strict = new DecodeSpec(
                        Optional.empty(), Optional.empty(), false, 1_000_000, false, Optional.empty())
                .decoderFor(Preprocessing.CAFFE, SIZE);
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> strict.decode(big));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PIXELS);
        assertThat(e.getMessage()).contains("2000x2000");
    }

    @Test
    void bytesThatAreNoImageAreUndecodable() {
        BadInputException e = catchThrowableOfType(
                BadInputException.class,
                () -> decoder(Preprocessing.CAFFE).decode("definitely not an image".getBytes()));
        assertThat(e.code()).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
    }

    @Test
    void aTruncatedPngIsTruncated() throws Exception {
        byte[] whole = sample("astronaut.png");
        byte[] cut = Arrays.copyOf(whole, whole.length / 3);
        BadInputException e = catchThrowableOfType(
                BadInputException.class, () -> decoder(Preprocessing.CAFFE).decode(cut));
        assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED_IMAGE);
    }

    @Test
    void aTruncatedJpegIsTruncatedNotGrayFilled() throws Exception {
        byte[] whole = sample("coffee.jpg");
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        BadInputException e = catchThrowableOfType(
                BadInputException.class, () -> decoder(Preprocessing.CAFFE).decode(cut));
        assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED_IMAGE);
    }

    private static ImageDecoder decoder(Preprocessing mode) {
        return DecodeSpec.defaults(100_000_000).decoderFor(mode, SIZE);
    }

    static byte[] sample(String name) throws IOException {
        try (InputStream in = ImageDecoderTest.class.getResourceAsStream("/io/featurex/embedded/samples/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
