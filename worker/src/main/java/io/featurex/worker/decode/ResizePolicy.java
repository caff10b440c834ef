package io.featurex.worker.decode;

/** How a decoded image of any size becomes the square network input. */
public enum ResizePolicy {
    /** The whole image, stretched to the square, nearest neighbour: Keras' load_img default. */
    STRETCH_NEAREST,
    /** Shorter side to 256 with bilinear filtering, then the centre square: torchvision's eval transform. */
    SHORTER_256_CENTER_CROP_BILINEAR
}
