package io.featurex.worker.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * A reduced JPEG decode by libjpeg's DCT scaling ({@code decode.jpeg-reduce} with libjpeg-turbo):
 * each 8x8 block goes through a smaller inverse DCT, so a 4000x3000 photo comes out 500x375
 * without the full-size image ever existing. The scales are 1/2, 1/4 and 1/8, those of PIL's
 * {@code Image.draft()} and OpenCV's {@code IMREAD_REDUCED_*}: the reduced pixels are then
 * exactly PIL's after {@code draft('RGB', ...)} (golden/decoders), a reference a Python pipeline
 * can reproduce, which libjpeg-turbo's other M/8 scales would not have.
 *
 * @param denominator the image is decoded at 1/denominator of its size (rounded up), 1 = full size
 */
record DctScale(int denominator) {

    static final DctScale NONE = new DctScale(1);
    private static final int[] DENOMINATORS = {8, 4, 2};

    DctScale {
        if (denominator != 1 && denominator != 2 && denominator != 4 && denominator != 8) {
            throw new IllegalArgumentException("DCT scale 1/" + denominator + " is not one of 1, 1/2, 1/4, 1/8");
        }
    }

    /**
     * The smallest scale at which an image of {@code width x height} still has both sides at
     * least {@code side} (the input size when stretching; the shorter-side target when cropping),
     * so that the resize after it still only shrinks. Full size when even 1/2 would not.
     */
    static DctScale plan(long width, long height, int side) {
        if (side < 1) {
            throw new IllegalArgumentException("side must be >= 1, got " + side);
        }
        long shorter = Math.min(width, height);
        for (int d : DENOMINATORS) {
            if ((shorter + d - 1) / d >= side) {
                return new DctScale(d);
            }
        }
        return NONE;
    }

    /** A side after scaling, as libjpeg sizes it (TurboJPEG's TJSCALED): rounded up. */
    int scaled(long side) {
        return (int) ((side + denominator - 1) / denominator);
    }

    boolean reduces() {
        return denominator > 1;
    }

    /**
     * @param factors {num, denom} pairs a library supports
     * @return the scales this needs that are missing from them, or null when none is
     */
    static String missingFrom(int[][] factors) {
        List<String> missing = new ArrayList<>();
        for (int d : DENOMINATORS) {
            boolean found = false;
            for (int[] f : factors) {
                found |= f[0] * d == f[1];
            }
            if (!found) {
                missing.add("1/" + d);
            }
        }
        return missing.isEmpty() ? null : String.join(", ", missing);
    }
}
