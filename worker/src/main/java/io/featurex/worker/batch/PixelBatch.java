package io.featurex.worker.batch;

import java.util.List;

/**
 * Images ready for the network: each one {@code size x size x 3} floats, channels-last, already
 * preprocessed. Only pixels cross into the inference stage; where they came from stays behind.
 */
public record PixelBatch(List<float[]> images, int size) {

    public PixelBatch {
        images = List.copyOf(images);
        int expected = size * size * 3;
        for (float[] image : images) {
            if (image.length != expected) {
                throw new IllegalArgumentException("image has " + image.length + " values, expected " + expected
                        + " for " + size + "x" + size + "x3");
            }
        }
    }

    public int count() {
        return images.size();
    }
}
