package io.featurex.worker.source;

import io.featurex.worker.BadInputException;

/** How one image of an input record ended: its vector, or why it has none. */
public sealed interface ImageOutcome {

    record Feature(float[] vector) implements ImageOutcome {}

    record Failed(BadInputException error) implements ImageOutcome {}
}
