package io.featurex.worker.decode;

import java.util.Locale;

/**
 * How a decoded image of any size becomes the square network input: what is kept of it (the
 * fit) and how pixels are resampled.
 */
public record ResizePolicy(Fit fit, Interpolation interpolation) {

    /** Keras' {@code load_img(target_size=(224, 224))}: the whole image, stretched, nearest neighbour. */
    public static final ResizePolicy KERAS = new ResizePolicy(Fit.STRETCH, Interpolation.NEAREST);
    /** torchvision's {@code Resize(256)} + {@code CenterCrop(224)}, bilinear (antialiased, as PIL). */
    public static final ResizePolicy TORCHVISION = new ResizePolicy(Fit.SHORTER_SIDE_CROP, Interpolation.BILINEAR);

    /** torchvision's {@code Resize(256)} for a 224 input: the shorter side's length before the centre crop. */
    static int shorterSideTarget(int size) {
        return size * 256 / 224;
    }

    /**
     * The side a source needs in both directions so that the resize still shrinks it (never
     * enlarges it): the input size when stretching, the shorter-side target when cropping. A
     * reduced decode ({@link JpegReduction}) keeps at least this much.
     */
    int neededSide(int size) {
        return fit == Fit.STRETCH ? size : shorterSideTarget(size);
    }

    public enum Fit {
        /** The whole image, aspect ratio not kept. */
        STRETCH("stretch"),
        /** Shorter side to 256 (for a 224 input), then the centre square. */
        SHORTER_SIDE_CROP("shorter-side-crop");

        private final String key;

        Fit(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public enum Interpolation {
        NEAREST,
        BILINEAR;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
