package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * decode.jpeg-reduce with libjpeg-turbo: DCT scaling by 1/2, 1/4 or 1/8. That it equals PIL's
 * {@code Image.draft()} bit for bit is DecoderGoldenTest's; here, how the scale is chosen and what
 * the reduced path keeps of the exact one.
 */
class DctScaleTest {

    private static final int SIZE = 224;
    private static byte[] largeJpeg;

    @BeforeAll
    static void makeALargePhotoLikeJpeg() throws Exception {
        largeJpeg = JpegReductionTest.encode(JpegReductionTest.photoLike(2400, 1800), "jpeg");
    }

    @ParameterizedTest(name = "{0}x{1}, side {2}: 1/{3}")
    @CsvSource({
        "4000, 3000, 256, 8", // 500x375: straight to what the resize needs
        "4000, 3000, 224, 8",
        "2048, 2048, 256, 8", // exactly 256 at 1/8
        "2047, 3000, 256, 8", // libjpeg rounds up: 2047 / 8 -> 256
        "2040, 3000, 256, 4", // 255 at 1/8 would be short of 256
        "1200, 900, 256, 2", // 225 at 1/4 is short, 450 at 1/2 is not
        "1200, 900, 224, 4", // stretching needs only 224: 225 at 1/4
        "511, 700, 256, 2", // 256 at 1/2
        "510, 700, 256, 1", // 255 at 1/2: full size
        "300, 300, 224, 1",
        "100, 80, 224, 1", // smaller than the target: enlarged later, never reduced
        "3000, 4000, 256, 8" // portrait: the shorter side decides
    })
    void theScaleIsTheSmallestThatStillCoversTheNeededSide(long width, long height, int side, int denominator) {
        assertThat(DctScale.plan(width, height, side).denominator()).isEqualTo(denominator);
    }

    @Test
    void everyScaledImageCoversTheSideAndTheNextScaleWouldNot() {
        for (int side : new int[] {224, 256}) {
            for (int width = 1; width <= 6000; width += 11) {
                int height = 7001 - width;
                DctScale scale = DctScale.plan(width, height, side);
                if (scale.reduces()) {
                    assertThat(Math.min(scale.scaled(width), scale.scaled(height)))
                            .as("%dx%d / %d", width, height, scale.denominator())
                            .isGreaterThanOrEqualTo(side);
                }
                if (scale.denominator() < 8) {
                    DctScale next = new DctScale(scale.denominator() * 2);
                    assertThat(Math.min(next.scaled(width), next.scaled(height)))
                            .as("%dx%d / %d", width, height, next.denominator())
                            .isLessThan(side);
                }
            }
        }
    }

    @Test
    void sidesAreRoundedUpAsLibjpegDoes() {
        assertThat(new DctScale(8).scaled(4000)).isEqualTo(500);
        assertThat(new DctScale(8).scaled(2047)).isEqualTo(256);
        assertThat(new DctScale(4).scaled(1)).isEqualTo(1);
        assertThat(DctScale.NONE.scaled(333)).isEqualTo(333);
    }

    @Test
    void theLibraryMustOfferTheScales() {
        int[][] turbo = {
            {2, 1}, {15, 8}, {7, 4}, {13, 8}, {3, 2}, {11, 8}, {5, 4}, {9, 8}, {1, 1}, {7, 8}, {3, 4}, {5, 8}, {1, 2},
            {3, 8}, {1, 4}, {1, 8}
        };
        assertThat(DctScale.missingFrom(turbo)).isNull();
        assertThat(DctScale.missingFrom(new int[][] {{1, 1}, {1, 2}})).isEqualTo("1/8, 1/4");
    }

    /**
     * A 1/8 DCT decode is the block averages an antialiasing resize would take anyway: torch-mode
     * inputs stay within a few levels of the exact path's (this image: mean 0.5, max 4; the bounds
     * leave a margin and are those of the ImageIO reduction's test). Caffe's nearest-neighbour
     * resize picks single pixels where the reduced image holds averages, so only its mean is
     * bounded (this image: 7.4).
     */
    @Test
    void theReducedDecodeStaysCloseToTheExactOne() {
        NativeDecoders.assumeTurbo();
        JpegReductionTest.Difference torch = JpegReductionTest.difference(
                decode(Preprocessing.TORCH, false, false, largeJpeg),
                decode(Preprocessing.TORCH, true, false, largeJpeg),
                Preprocessing.TORCH);
        System.out.printf(
                "DCT-reduced vs exact, 2400x1800: torch mean %.2f max %.1f levels%n", torch.mean(), torch.max());
        assertThat(torch.max()).as("the reduced path ran").isGreaterThan(0);
        assertThat(torch.mean()).isLessThan(3.0);
        assertThat(torch.max()).isLessThan(32);
        JpegReductionTest.Difference caffe = JpegReductionTest.difference(
                decode(Preprocessing.CAFFE, false, false, largeJpeg),
                decode(Preprocessing.CAFFE, true, false, largeJpeg),
                Preprocessing.CAFFE);
        System.out.printf(
                "DCT-reduced vs exact, 2400x1800: caffe mean %.2f max %.1f levels%n", caffe.mean(), caffe.max());
        assertThat(caffe.max()).as("the reduced path ran").isGreaterThan(0);
        assertThat(caffe.mean()).isLessThan(10.0);
    }

    @Test
    void smallJpegsAndOtherFormatsAreDecodedExactly() throws Exception {
        NativeDecoders.assumeTurbo();
        byte[] small = JpegReductionTest.encode(JpegReductionTest.photoLike(500, 400), "jpeg");
        byte[] png = JpegReductionTest.encode(JpegReductionTest.photoLike(1200, 900), "png");
        for (Preprocessing mode : Preprocessing.values()) {
            assertThat(decode(mode, true, false, small)).containsExactly(decode(mode, false, false, small));
            assertThat(decode(mode, true, false, png)).containsExactly(decode(mode, false, false, png));
        }
    }

    @Test
    void exifOrientationIsStillHonouredAfterTheReduction() {
        NativeDecoders.assumeTurbo();
        byte[] rotated = JpegReductionTest.withOrientation(largeJpeg, 6);
        float[] upright = decode(Preprocessing.TORCH, false, true, rotated);
        assertThat(JpegReductionTest.difference(
                                upright, decode(Preprocessing.TORCH, true, true, rotated), Preprocessing.TORCH)
                        .mean())
                .isLessThan(3.0);
        assertThat(JpegReductionTest.difference(
                                upright, decode(Preprocessing.TORCH, true, false, rotated), Preprocessing.TORCH)
                        .mean())
                .as("ignoring the tag gives another picture")
                .isGreaterThan(10.0);
    }

    @Test
    void thePixelLimitStillAppliesToTheFullSize() {
        NativeDecoders.assumeTurbo();
        ImageDecoder strict = new DecodeSpec(
                        Optional.empty(),
                        Optional.empty(),
                        false,
                        2400L * 1800 - 1,
                        true,
                        Optional.of(JpegBackend.TURBO))
                .decoderFor(Preprocessing.CAFFE, SIZE);
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> strict.decode(largeJpeg));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PIXELS);
        assertThat(e.getMessage()).contains("2400x1800");
    }

    private static float[] decode(Preprocessing mode, boolean reduce, boolean exif, byte[] bytes) {
        try {
            return new DecodeSpec(
                            Optional.empty(),
                            Optional.empty(),
                            exif,
                            Long.MAX_VALUE,
                            reduce,
                            Optional.of(JpegBackend.TURBO))
                    .decoderFor(mode, SIZE)
                    .decode(bytes);
        } catch (BadInputException e) {
            throw new AssertionError(e);
        }
    }
}
