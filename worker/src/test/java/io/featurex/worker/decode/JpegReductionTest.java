package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ImageIO reduced decode (subsampling, then box averaging); libjpeg-turbo's is {@link DctScaleTest}'s. */
class JpegReductionTest {

    private static final int SIZE = 224;
    private static byte[] largeJpeg;

    @BeforeAll
    static void makeALargePhotoLikeJpeg() throws IOException {
        largeJpeg = encode(photoLike(2400, 1800), "jpeg");
    }

    @Test
    void eachResizeNeedsItsOwnSide() {
        assertThat(ResizePolicy.KERAS.neededSide(SIZE)).isEqualTo(224);
        assertThat(ResizePolicy.TORCHVISION.neededSide(SIZE)).isEqualTo(256);
    }

    @ParameterizedTest(name = "{0}x{1}, side {2}: factor {3}")
    @CsvSource({
        "448, 448, 224, 2", // exactly twice the stretch target: halved
        "447, 2000, 224, 1", // one side just short of twice: untouched
        "224, 224, 224, 1", // the target itself
        "100, 80, 224, 1", // smaller than the target (it is enlarged later, never reduced)
        "512, 700, 256, 2", // exactly twice torchvision's shorter side
        "511, 700, 224, 2", // the same image stretched needs less ...
        "511, 700, 256, 1", // ... than cropped to the shorter side
        "4000, 3000, 224, 13",
        "4000, 3000, 256, 11",
        "3000, 4000, 256, 11" // portrait: the shorter side decides either way
    })
    void theFactorIsTheLargestThatStillCoversTheNeededSide(long width, long height, int side, int factor) {
        assertThat(JpegReduction.factor(width, height, side)).isEqualTo(factor);
    }

    @Test
    void everyReducedImageStillCoversTheSideAndNoLargerFactorWould() {
        for (int side : new int[] {224, 256}) {
            for (int width = 1; width <= 3000; width += 7) {
                int height = 4001 - width;
                int n = JpegReduction.factor(width, height, side);
                if (n > 1) {
                    assertThat(Math.min(width / n, height / n))
                            .as("%dx%d / %d", width, height, n)
                            .isGreaterThanOrEqualTo(side);
                }
                assertThat(Math.min(width / (n + 1), height / (n + 1)))
                        .as("%dx%d / %d", width, height, n + 1)
                        .isLessThan(side);
            }
        }
    }

    @Test
    void aFactorIsSplitIntoSubsamplingAndABoxThatNeverExceedIt() {
        assertThat(JpegReduction.split(1)).isEqualTo(JpegReduction.NONE);
        assertThat(JpegReduction.split(2)).isEqualTo(new JpegReduction(2, 1));
        assertThat(JpegReduction.split(13)).isEqualTo(new JpegReduction(2, 6));
        assertThat(JpegReduction.split(11).factor()).isEqualTo(10);
        assertThat(JpegReduction.plan(4000, 3000, 224)).isEqualTo(new JpegReduction(2, 6));
        assertThat(JpegReduction.plan(300, 300, 224).reduces()).isFalse();
    }

    @Test
    void boxesAverageWithRoundingAndPartialEdgeBlocksAverageWhatTheyHold() {
        // 3x2 gray: a 2x2 block (10, 11, 20, 22: mean 15.75 -> 16) and a 1x2 edge block (100, 201: 150.5 -> 151).
        int[] gray = {10, 11, 100, 20, 22, 201};
        int[] rgb = new int[gray.length];
        for (int i = 0; i < gray.length; i++) {
            rgb[i] = (gray[i] << 16) | (gray[i] << 8) | gray[i];
        }
        ImageDecoder.Rgb out = new JpegReduction(1, 2).average(new ImageDecoder.Rgb(rgb, 3, 2));
        assertThat(out.width()).isEqualTo(2);
        assertThat(out.height()).isEqualTo(1);
        assertThat(out.pixels()).containsExactly(0x10_10_10, 0x97_97_97);
    }

    @Test
    void offByDefaultAndForImagesNotLargeEnoughTheDecodeIsExact() throws Exception {
        for (Preprocessing mode : Preprocessing.values()) {
            byte[] small = encode(photoLike(500, 400), "jpeg"); // under twice 224 or 256 on its shorter side
            assertThat(decoder(mode, true).decode(small))
                    .containsExactly(decoder(mode, false).decode(small));
        }
    }

    @Test
    void otherFormatsAreNeverReduced() throws Exception {
        byte[] png = encode(photoLike(1200, 900), "png");
        for (Preprocessing mode : Preprocessing.values()) {
            assertThat(decoder(mode, true).decode(png))
                    .containsExactly(decoder(mode, false).decode(png));
        }
    }

    /**
     * Torchvision's resize is an antialiasing filter as wide as the shrink; the reduced path's box
     * then narrower filter make about the same low-pass, so inputs stay within a few levels. Keras'
     * resize picks single pixels: the exact input is a point sample, the reduced one an average
     * around it, and they differ by the image's local texture, so only the mean is bounded. The
     * bounds leave a margin over what this image gives (torch: mean 2.0, max 15; caffe: mean 7.6);
     * 4000x3000 photos give less (BENCHMARKS.md); a misplaced, swapped or unaveraged reduction
     * gives far more (the same image read sideways: mean 39).
     */
    @Test
    void theReducedDecodeStaysCloseToTheExactOne() throws Exception {
        Difference torch = difference(
                decoder(Preprocessing.TORCH, false).decode(largeJpeg),
                decoder(Preprocessing.TORCH, true).decode(largeJpeg),
                Preprocessing.TORCH);
        assertThat(torch.max()).as("the reduced path ran").isGreaterThan(0);
        assertThat(torch.mean()).isLessThan(3.0);
        assertThat(torch.max()).isLessThan(32);
        Difference caffe = difference(
                decoder(Preprocessing.CAFFE, false).decode(largeJpeg),
                decoder(Preprocessing.CAFFE, true).decode(largeJpeg),
                Preprocessing.CAFFE);
        assertThat(caffe.max()).as("the reduced path ran").isGreaterThan(0);
        assertThat(caffe.mean()).isLessThan(10.0);
    }

    @Test
    void exifOrientationIsStillHonouredAfterTheReduction() throws Exception {
        byte[] rotated = withOrientation(largeJpeg, 6); // stored sideways: upright it is 1800x2400
        ImageDecoder exact = new ImageDecoder(
                Preprocessing.TORCH, ResizePolicy.TORCHVISION, SIZE, Long.MAX_VALUE, true, false, null, null);
        ImageDecoder reduced = new ImageDecoder(
                Preprocessing.TORCH, ResizePolicy.TORCHVISION, SIZE, Long.MAX_VALUE, true, true, null, null);
        float[] upright = exact.decode(rotated);
        assertThat(difference(upright, reduced.decode(rotated), Preprocessing.TORCH)
                        .mean())
                .isLessThan(3.0);
        assertThat(difference(upright, decoder(Preprocessing.TORCH, true).decode(rotated), Preprocessing.TORCH)
                        .mean())
                .as("ignoring the tag gives another picture")
                .isGreaterThan(10.0);
    }

    @Test
    void thePixelLimitStillAppliesToTheFullSize() {
        ImageDecoder strict = new ImageDecoder(
                Preprocessing.CAFFE, ResizePolicy.KERAS, SIZE, 2400L * 1800 - 1, false, true, null, null);
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> strict.decode(largeJpeg));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PIXELS);
        assertThat(e.getMessage()).contains("2400x1800");
    }

    record Difference(double max, double mean) {}

    /** In 0-255 pixel levels, whatever the mode's scale. */
    static Difference difference(float[] a, float[] b, Preprocessing mode) {
        double[] level = mode == Preprocessing.CAFFE
                ? new double[] {1, 1, 1}
                : new double[] {255 * 0.229, 255 * 0.224, 255 * 0.225};
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]) * level[i % 3];
            max = Math.max(max, d);
            sum += d;
        }
        return new Difference(max, sum / a.length);
    }

    private static ImageDecoder decoder(Preprocessing mode, boolean reduce) {
        return new ImageDecoder(mode, mode.defaultResize(), SIZE, Long.MAX_VALUE, false, reduce, null, null);
    }

    /** Gradients, stripes of several periods and discs, plus seeded grain: detail at every scale, as photos have. */
    static BufferedImage photoLike(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random grain = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = (double) x / width;
                double v = (double) y / height;
                double stripes = 40 * Math.sin((x + 2 * y) * 2 * Math.PI / 60.0) + 15 * Math.sin(x * 2 * Math.PI / 9.0);
                boolean disc = Math.hypot(u - 0.3, v - 0.6) < 0.15 || Math.hypot(u - 0.7, v - 0.3) < 0.1;
                int r = clamp(60 + 120 * u + stripes + (disc ? 60 : 0) + grain.nextGaussian() * 6);
                int g = clamp(80 + 100 * v - stripes / 2 + grain.nextGaussian() * 6);
                int b = clamp(200 - 150 * u * v + (disc ? -80 : 0) + grain.nextGaussian() * 6);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    /** The JPEG with an Exif APP1 segment holding only the orientation tag, inserted after its JFIF APP0. */
    static byte[] withOrientation(byte[] jpeg, int orientation) {
        assertThat(jpeg[3] & 0xFF).as("JFIF APP0 first").isEqualTo(0xE0);
        int afterApp0 = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        byte[] tiff = {
            'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, afterApp0);
        int length = 2 + 6 + tiff.length;
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, 6);
        out.write(tiff, 0, tiff.length);
        out.write(jpeg, afterApp0, jpeg.length - afterApp0);
        return out.toByteArray();
    }
}
