package io.featurex.worker.source;

import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;

/**
 * One image an input record names, or why a part of the record names none. A record holds one
 * entry or several (an S3 event notification can carry many object records); each entry ends as
 * exactly one output.
 */
public sealed interface Entry {

    /** The output key: stable across replays, so a compacted topic keeps one output per image. */
    String id();

    record Ref(String id, ImageRef ref) implements Entry {}

    /** @param ref what was understood of the reference, or null when nothing was */
    record Rejected(String id, ImageRef ref, BadInputException error) implements Entry {}
}
