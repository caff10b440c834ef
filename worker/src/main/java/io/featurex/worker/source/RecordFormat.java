package io.featurex.worker.source;

import io.featurex.worker.BadInputException;
import java.util.List;

/** How an input topic's record values name images. Implementations are stateless and thread-safe. */
public interface RecordFormat {

    /**
     * @param value      the record's value
     * @param fallbackId the id to use where the record gives none: its Kafka coordinates
     * @return at least one entry
     * @throws BadInputException when the record as a whole is unreadable (it becomes one dead letter)
     */
    List<Entry> entries(byte[] value, String fallbackId) throws BadInputException;
}
