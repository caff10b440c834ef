package io.featurex.worker.source;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One record read from an input topic, between poll and commit: the images it names and how each
 * ended so far. Its offset may be committed once every image has an outcome, and its outputs
 * then go out together in one transaction; until then only the outcomes wait (a vector is 2 KB),
 * never the pixels. Used on the worker's loop thread only.
 */
public final class InputRecord {

    private final ConsumerRecord<byte[], byte[]> record;
    private final TopicPartition partition;
    private final long epoch;
    private final long readNanos;
    private final List<Entry> entries;
    private final ImageOutcome[] outcomes;
    private int missing;
    private boolean dropped;

    InputRecord(ConsumerRecord<byte[], byte[]> record, List<Entry> entries, long epoch, long readNanos) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a record names at least one entry");
        }
        this.record = record;
        this.partition = new TopicPartition(record.topic(), record.partition());
        this.entries = List.copyOf(entries);
        this.epoch = epoch;
        this.readNanos = readNanos;
        this.outcomes = new ImageOutcome[entries.size()];
        this.missing = entries.size();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) instanceof Entry.Rejected rejected) {
                complete(i, new ImageOutcome.Failed(rejected.error()));
            }
        }
    }

    public ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** The assignment epoch of its partition when it was read. */
    public long epoch() {
        return epoch;
    }

    public long readNanos() {
        return readNanos;
    }

    public List<Entry> entries() {
        return entries;
    }

    public int images() {
        return entries.size();
    }

    public ImageOutcome outcome(int index) {
        return outcomes[index];
    }

    /** Records image {@code index}'s outcome; each image gets exactly one. */
    public void complete(int index, ImageOutcome outcome) {
        if (outcomes[index] != null) {
            throw new IllegalStateException("image " + index + " of " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " already has an outcome");
        }
        outcomes[index] = outcome;
        missing--;
    }

    public boolean isComplete() {
        return missing == 0;
    }

    /**
     * Its partition was revoked or rewound: whatever is still being done for it is wasted, and
     * its next reading (here or at the partition's next owner) redoes it.
     */
    public boolean dropped() {
        return dropped;
    }

    void drop() {
        dropped = true;
    }
}
