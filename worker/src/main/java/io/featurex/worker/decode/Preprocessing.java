package io.featurex.worker.decode;

import java.util.Locale;

/**
 * How pixels become network input. Each set of weights was trained with one of these; the
 * weights decide the mode, and a vector computed with the other mode is meaningless.
 */
public enum Preprocessing {
    /**
     * Keras {@code preprocess_input} for VGG16 ("caffe"): RGB to BGR, minus the ImageNet channel
     * means in BGR order, 0-255 scale. The image is stretched to the input size (Keras'
     * {@code load_img(target_size=...)}).
     */
    CAFFE(new float[] {103.939f, 116.779f, 123.68f}, new float[] {1f, 1f, 1f}, true, 1f),
    /**
     * torchvision's ImageNet normalisation: 0-1 scale, minus mean, divided by std, RGB order.
     * The image's shorter side goes to 256 and the centre 224 square is kept.
     */
    TORCH(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, false, 255f);

    private final float[] mean;
    private final float[] std;
    private final boolean bgr;
    /** Pixel values are divided by this first (torchvision's ToTensor divides by 255). */
    private final float divisor;

    Preprocessing(float[] mean, float[] std, boolean bgr, float divisor) {
        this.mean = mean;
        this.std = std;
        this.bgr = bgr;
        this.divisor = divisor;
    }

    /** The default resize for this mode, as the framework that trained the weights does it. */
    public ResizePolicy defaultResize() {
        return this == CAFFE ? ResizePolicy.KERAS : ResizePolicy.TORCHVISION;
    }

    /** Configuration spelling: "caffe" or "torch". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Preprocessing fromKey(String key) {
        for (Preprocessing p : values()) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preprocessing '" + key + "' (expected caffe or torch)");
    }

    /**
     * Turns packed 0xRRGGBB pixels into interleaved channels (height x width x 3, channels-last,
     * as the batch is built), in this mode's channel order and scale. The arithmetic is float32
     * in the frameworks' order ({@code v / 255f}, then {@code (x - mean) / std}), so the tensor
     * is bit-identical to theirs.
     */
    public float[] toTensor(int[] rgb) {
        float[] out = new float[rgb.length * 3];
        int c0 = bgr ? 0 : 16;
        int c2 = bgr ? 16 : 0;
        for (int i = 0, o = 0; i < rgb.length; i++, o += 3) {
            int p = rgb[i];
            out[o] = (((p >>> c0) & 0xFF) / divisor - mean[0]) / std[0];
            out[o + 1] = (((p >>> 8) & 0xFF) / divisor - mean[1]) / std[1];
            out[o + 2] = (((p >>> c2) & 0xFF) / divisor - mean[2]) / std[2];
        }
        return out;
    }
}
