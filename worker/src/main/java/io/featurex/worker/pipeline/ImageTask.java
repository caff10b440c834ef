package io.featurex.worker.pipeline;

import io.featurex.v1.ImageRef;
import io.featurex.worker.source.InputRecord;

/**
 * One image of an input record on its way through fetch, decode and the model: the envelope the
 * stages hand on. What it holds at each step (encoded bytes, then pixels) is let go as soon as the
 * next step has it, so a record's memory never grows with its number of images.
 */
final class ImageTask {

    final InputRecord record;
    final int index;
    final ImageRef ref;
    byte[] bytes;
    float[] pixels;
    long decodedNanos;

    ImageTask(InputRecord record, int index, ImageRef ref) {
        this.record = record;
        this.index = index;
        this.ref = ref;
    }

    /** Its record was dropped (partition revoked or rewound): whatever is still done for it is wasted. */
    boolean stale() {
        return record.dropped();
    }
}
