package io.featurex.worker.batch;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A micro-batch on its way to the model: the items it was made of and their pixels, in the same
 * order, so vector {@code i} of the model's answer belongs to {@code items().get(i)}.
 *
 * @param <T> what the pipeline knows of each image (the model never sees it)
 */
public record Batch<T>(List<T> items, PixelBatch pixels) {

    public Batch {
        items = List.copyOf(items);
        if (items.size() != pixels.count()) {
            throw new IllegalArgumentException(items.size() + " items but " + pixels.count() + " images");
        }
    }

    /** Pairs the model's vectors with the items, checking there is one per item. */
    public void forEachVector(float[][] vectors, BiConsumer<T, float[]> action) {
        if (vectors.length != items.size()) {
            throw new IllegalStateException(
                    "the model returned " + vectors.length + " vectors for " + items.size() + " images");
        }
        for (int i = 0; i < vectors.length; i++) {
            action.accept(items.get(i), vectors[i]);
        }
    }
}
