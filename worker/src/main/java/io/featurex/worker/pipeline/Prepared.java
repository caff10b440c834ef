package io.featurex.worker.pipeline;

import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;

/** A record after fetch and decode: pixels for the model, or the reason it has none. */
sealed interface Prepared {

    /** The output key: the image's id, or its coordinates when it has none. */
    String id();

    /** The parsed reference; null when the record was not a valid ImageRef. */
    ImageRef ref();

    record Image(String id, ImageRef ref, float[] pixels) implements Prepared {}

    record Rejected(String id, ImageRef ref, BadInputException error) implements Prepared {}
}
