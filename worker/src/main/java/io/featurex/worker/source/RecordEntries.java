package io.featurex.worker.source;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A polled record read into the images it names, in its topic's format. Never fails: a record
 * that cannot be read, or names more images than a record may, is one rejected entry.
 */
public final class RecordEntries {

    private final int maxImagesPerRecord;

    public RecordEntries(int maxImagesPerRecord) {
        this.maxImagesPerRecord = maxImagesPerRecord;
    }

    /** @return at least one entry */
    public List<Entry> of(ConsumerRecord<byte[], byte[]> record, RecordFormat format) {
        String coordinates = coordinatesId(record);
        try {
            List<Entry> entries = format.entries(record.value(), coordinates);
            if (entries.isEmpty()) {
                throw new IllegalStateException(
                        format + " read no entry from a record"); // a format's bug, not the input's
            }
            if (entries.size() > maxImagesPerRecord) {
                return List.of(new Entry.Rejected(
                        coordinates,
                        null,
                        new BadInputException(
                                ErrorCode.TOO_MANY_IMAGES,
                                "the record names " + entries.size()
                                        + " images, more than input.max-images-per-record (" + maxImagesPerRecord
                                        + "); split it, or raise the limit")));
            }
            return entries;
        } catch (BadInputException e) {
            return List.of(new Entry.Rejected(coordinates, null, e));
        } catch (RuntimeException e) {
            // A parser tripping over this particular record is still this record's failure.
            return List.of(new Entry.Rejected(
                    coordinates, null, new BadInputException(ErrorCode.MALFORMED_MESSAGE, "unexpected " + e, e)));
        }
    }

    /** The id of an image whose record gives none: {@code topic-partition-offset}. */
    public static String coordinatesId(ConsumerRecord<byte[], byte[]> record) {
        return record.topic() + "-" + record.partition() + "-" + record.offset();
    }
}
