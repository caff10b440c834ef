package io.featurex.worker.source;

import io.featurex.worker.config.InputTopics;
import io.featurex.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input side of a worker: the consumer, what it has read and not yet committed ({@link
 * OffsetLedger}), which partitions are paused ({@link Backpressure}), rebalance epochs and lag.
 * It decides what may be committed: the complete records at the head of each partition. Used on
 * the worker's loop thread only, except {@link #wakeup()}.
 */
public final class InputSource implements AutoCloseable {

    /** What the rest of the worker must do when partitions move. */
    public interface Listener {
        /** Before partitions are taken away: anything that commits their offsets must end first. */
        void revoking(Collection<TopicPartition> partitions);

        /** Records were dropped (revoked or rewound): let go of whatever is held for them. */
        void dropped();
    }

    private static final Logger log = LoggerFactory.getLogger(InputSource.class);

    private final Consumer<byte[], byte[]> consumer;
    private final InputTopics topics;
    private final RecordEntries entries;
    private final Backpressure backpressure;
    private final OffsetLedger ledger = new OffsetLedger();
    private final LagTracker lag;
    private final WorkerMetrics metrics;
    private Listener listener;

    public InputSource(
            Consumer<byte[], byte[]> consumer,
            InputTopics topics,
            int maxImagesPerRecord,
            int maxInFlight,
            WorkerMetrics metrics) {
        this.consumer = consumer;
        this.topics = topics;
        this.entries = new RecordEntries(maxImagesPerRecord);
        this.backpressure = new Backpressure(maxInFlight);
        this.lag = new LagTracker(consumer, metrics);
        this.metrics = metrics;
    }

    public void subscribe(Listener listener) {
        this.listener = listener;
        consumer.subscribe(topics.names(), new Rebalance());
    }

    /**
     * The records that arrived within {@code wait}, read into the images they name; none when
     * {@link #wakeup()} cut the wait short.
     */
    public List<InputRecord> poll(Duration wait) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(wait);
        } catch (WakeupException e) {
            return List.of(); // a stage finished, or stop(): the loop looks again
        }
        long now = System.nanoTime();
        List<InputRecord> read = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            lag.read(new TopicPartition(record.topic(), record.partition()), record.offset());
            read.add(ledger.read(
                    record, entries.of(record, topics.formatOf(record.topic()).format()), now));
        }
        return read;
    }

    /** Cuts the loop's poll short. Thread-safe: the stages call it when they hand something back. */
    public void wakeup() {
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            // The consumer is already closed: there is no loop left to wake.
        }
    }

    public OffsetLedger.Committable takeCommittable() {
        return ledger.takeCommittable();
    }

    /** The consumer group's metadata for a transaction's offsets, read here on the consumer's thread. */
    public ConsumerGroupMetadata groupMetadata() {
        return consumer.groupMetadata();
    }

    /** Offsets committed (by a transaction or by {@link #commitSync}): the lag counts from them. */
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        lag.committed(offsets);
    }

    /** At-least-once: the consumer commits the offsets itself, after the outputs are acknowledged. */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        while (true) {
            try {
                consumer.commitSync(offsets);
                return;
            } catch (WakeupException e) {
                // A stage finished while we were committing; that news is not lost, the loop looks anyway.
            }
        }
    }

    /** After an aborted publish: read the partitions again from the first offset not published. */
    public void rewind(Map<TopicPartition, Long> firstOffsets) {
        ledger.rewound(firstOffsets.keySet());
        listener.dropped();
        Set<TopicPartition> assigned = consumer.assignment();
        firstOffsets.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    /** Pauses the partitions over their share, resumes those back under it, and reports what is open. */
    public void applyBackpressure() {
        Backpressure.Decision decision = backpressure.decide(ledger.imagesByPartition(), consumer.paused());
        if (!decision.pause().isEmpty()) {
            consumer.pause(decision.pause());
        }
        if (!decision.resume().isEmpty()) {
            consumer.resume(decision.resume());
        }
        metrics.inFlight(ledger.images());
        metrics.paused(consumer.paused().size());
        lag.maybeReport();
    }

    @Override
    public void close() {
        CloseOptions closing = CloseOptions.timeout(Duration.ofSeconds(5));
        try {
            consumer.close(closing);
        } catch (WakeupException e) {
            consumer.close(closing); // a stage's late wake-up call; the second close goes through
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("partitions revoked: {}", partitions);
            }
            forget(partitions);
        }

        /** Lost, not handed over (this member was kicked out): its uncommitted work is redone elsewhere all the same. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("partitions lost: {}", partitions);
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            // A transaction in flight may hold these partitions' offsets: let it end first, so the
            // next owner starts from what it committed, or rewinds to redo it.
            listener.revoking(partitions);
            ledger.revoked(partitions);
            listener.dropped();
            lag.revoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("partitions assigned: {}", partitions);
            }
            ledger.assigned(partitions);
            lag.assigned(new HashSet<>(partitions));
        }
    }
}
