package io.featurex.worker.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Every record read and not yet committed, per partition in offset order, and what may be
 * committed: the complete records at the head of each partition, never one behind an incomplete
 * record, so a committed offset never stands for work not published. Images of many records are
 * worked on at once and finish in any order; the ledger puts them back in order.
 *
 * <p>Each assignment of a partition (and each rewind after a failed publish) starts a new epoch;
 * records of an older epoch are dropped, so work from before a rebalance is never published.
 * Used on the worker's loop thread only.
 */
public final class OffsetLedger {

    /** The complete records taken for one publish, and the offsets they account for. */
    public record Committable(
            List<InputRecord> records,
            Map<TopicPartition, OffsetAndMetadata> offsets,
            Map<TopicPartition, Long> firstOffsets) {

        public boolean isEmpty() {
            return records.isEmpty();
        }
    }

    private final Map<TopicPartition, ArrayDeque<InputRecord>> open = new HashMap<>();
    private final Map<TopicPartition, Long> epochs = new HashMap<>();
    private final Map<TopicPartition, Integer> images = new HashMap<>();
    private int totalImages;
    private long nextEpoch = 1;

    public void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            epochs.put(p, nextEpoch++);
            open.putIfAbsent(p, new ArrayDeque<>());
        }
    }

    /** The partitions are gone: their open records are dropped, for their next owner to redo. */
    public List<InputRecord> revoked(Collection<TopicPartition> partitions) {
        List<InputRecord> dropped = new ArrayList<>();
        for (TopicPartition p : partitions) {
            epochs.remove(p);
            dropAll(p, dropped);
            open.remove(p);
        }
        return dropped;
    }

    /**
     * The partitions will be read again from a rewound position: everything read from them so
     * far is stale, or it would be published twice.
     */
    public List<InputRecord> rewound(Collection<TopicPartition> partitions) {
        List<InputRecord> dropped = new ArrayList<>();
        for (TopicPartition p : partitions) {
            if (epochs.containsKey(p)) {
                epochs.put(p, nextEpoch++);
            }
            dropAll(p, dropped);
        }
        return dropped;
    }

    /**
     * A record just polled, with the entries its format read from it.
     *
     * @throws IllegalStateException for a partition not assigned (the consumer returns none such)
     */
    public InputRecord read(ConsumerRecord<byte[], byte[]> record, List<Entry> entries, long nowNanos) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Long epoch = epochs.get(partition);
        if (epoch == null) {
            throw new IllegalStateException("record of unassigned partition " + partition);
        }
        InputRecord read = new InputRecord(record, entries, epoch, nowNanos);
        open.get(partition).addLast(read);
        images.merge(partition, read.images(), Integer::sum);
        totalImages += read.images();
        return read;
    }

    /** Takes the complete records at the head of every partition, with the offsets to commit for them. */
    public Committable takeCommittable() {
        List<InputRecord> records = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, ArrayDeque<InputRecord>> e : open.entrySet()) {
            ArrayDeque<InputRecord> queue = e.getValue();
            while (!queue.isEmpty() && queue.peekFirst().isComplete()) {
                InputRecord record = queue.removeFirst();
                records.add(record);
                forget(e.getKey(), record);
                first.putIfAbsent(e.getKey(), record.record().offset());
                offsets.put(e.getKey(), new OffsetAndMetadata(record.record().offset() + 1));
            }
        }
        return new Committable(records, offsets, first);
    }

    /** Images of records read and not yet committed, in one partition. */
    public int images(TopicPartition partition) {
        return images.getOrDefault(partition, 0);
    }

    /** Images of records read and not yet committed, in all. */
    public int images() {
        return totalImages;
    }

    /** Images per assigned partition (zero for those with nothing open). */
    public Map<TopicPartition, Integer> imagesByPartition() {
        Map<TopicPartition, Integer> counts = new HashMap<>();
        for (TopicPartition p : epochs.keySet()) {
            counts.put(p, images(p));
        }
        return counts;
    }

    private void dropAll(TopicPartition partition, List<InputRecord> dropped) {
        ArrayDeque<InputRecord> queue = open.get(partition);
        if (queue == null) {
            return;
        }
        for (InputRecord record : queue) {
            record.drop();
            dropped.add(record);
            forget(partition, record);
        }
        queue.clear();
    }

    private void forget(TopicPartition partition, InputRecord record) {
        images.merge(partition, -record.images(), Integer::sum);
        totalImages -= record.images();
    }
}
