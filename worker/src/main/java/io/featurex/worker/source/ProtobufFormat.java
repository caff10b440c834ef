package io.featurex.worker.source;

import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.util.List;

/** featurex's own ImageRef: its id, or the record's coordinates when it has none. */
final class ProtobufFormat implements RecordFormat {

    @Override
    public List<Entry> entries(byte[] value, String fallbackId) throws BadInputException {
        ImageRef ref = ImageRefs.parse(value);
        return List.of(new Entry.Ref(ref.getId().isEmpty() ? fallbackId : ref.getId(), ref));
    }
}
