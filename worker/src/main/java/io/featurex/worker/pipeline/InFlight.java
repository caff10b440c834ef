package io.featurex.worker.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Images between poll and commit, in poll order (a record's images next to each other). Batches
 * are always taken from the head, so each published batch accounts for a contiguous run of every
 * partition's offsets and the committed offset never skips an unpublished record.
 *
 * <p>Each assignment of a partition gets a new epoch; work carrying an older epoch belongs to a
 * previous owner's view and is dropped rather than published.
 */
final class InFlight {

    /** What the head of the queue offers: a run of finished items holding at most max images. */
    record Ready(int items, int images, long oldestArrivedNanos) {}

    private final ArrayDeque<WorkItem> queue = new ArrayDeque<>();
    private final Map<TopicPartition, Long> epochs = new HashMap<>();
    private long nextEpoch = 1;
    private int inModel;

    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            epochs.put(p, nextEpoch++);
        }
    }

    /** Forgets the partitions and drops their queued work; the next owner redoes it. */
    void revoked(Collection<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            epochs.remove(p);
        }
        dropIf(item -> partitions.contains(item.partition));
    }

    /**
     * The partitions will be read again from a rewound position: everything read from them so
     * far is stale, queued or already in the model, or it would be published twice.
     */
    void rewound(Collection<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            if (epochs.containsKey(p)) {
                epochs.put(p, nextEpoch++);
            }
        }
        dropIf(item -> partitions.contains(item.partition));
    }

    long epoch(TopicPartition partition) {
        Long epoch = epochs.get(partition);
        return epoch == null ? -1 : epoch;
    }

    boolean isCurrent(WorkItem item) {
        Long epoch = epochs.get(item.partition);
        return epoch != null && epoch == item.epoch;
    }

    void add(WorkItem item) {
        queue.addLast(item);
    }

    /** Images (and rejected entries) read and not yet published, including those in the model. */
    int size() {
        return queue.size() + inModel;
    }

    int queued() {
        return queue.size();
    }

    /**
     * A record's items are taken together or not at all, so that the committed offset of a record
     * with several images never stands for part of them. A record with more images than fit is
     * taken alone (the inference stage runs it in several passes).
     */
    Ready ready(int maxImages) {
        int items = 0;
        int images = 0;
        int recordItems = 0;
        int recordImages = 0;
        for (WorkItem item : queue) {
            if (!item.isReady()) {
                break;
            }
            recordItems++;
            if (item.isImage()) {
                recordImages++;
            }
            if (!item.isLastOfRecord()) {
                continue;
            }
            if (images > 0 && images + recordImages > maxImages) {
                break;
            }
            items += recordItems;
            images += recordImages;
            recordItems = 0;
            recordImages = 0;
        }
        long oldest = items == 0 ? 0 : queue.peekFirst().arrivedNanos;
        return new Ready(items, images, oldest);
    }

    List<WorkItem> take(int items) {
        List<WorkItem> taken = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            taken.add(queue.removeFirst());
        }
        inModel += items;
        return taken;
    }

    /** The batch taken last has left the pipeline (published or dropped). */
    void finished(int items) {
        inModel -= items;
    }

    private void dropIf(java.util.function.Predicate<WorkItem> condition) {
        for (Iterator<WorkItem> it = queue.iterator(); it.hasNext(); ) {
            WorkItem item = it.next();
            if (condition.test(item)) {
                item.prepared.cancel(false);
                it.remove();
            }
        }
    }
}
