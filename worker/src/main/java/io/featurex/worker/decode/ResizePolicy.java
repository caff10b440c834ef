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
