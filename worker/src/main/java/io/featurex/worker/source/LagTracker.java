package io.featurex.worker.source;

import io.featurex.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer lag as operators mean it: records between the group's committed offset and the log
 * end. The log end comes for free from the consumer's fetches (position + current lag); the
 * committed offset is the one this worker committed last, or the group's at assignment, or
 * (for a group that has committed nothing) the first offset read.
 * Called on the loop thread only.
 */
public final class LagTracker {

    private static final Logger log = LoggerFactory.getLogger(LagTracker.class);
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Consumer<?, ?> consumer;
    private final WorkerMetrics metrics;
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private long lastReport;

    public LagTracker(Consumer<?, ?> consumer, WorkerMetrics metrics) {
        this.consumer = consumer;
        this.metrics = metrics;
    }

    public void assigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        try {
            for (var e : consumer.committed(new HashSet<>(partitions), Duration.ofSeconds(5))
                    .entrySet()) {
                if (e.getValue() != null) {
                    committed.put(e.getKey(), e.getValue().offset());
                }
            }
        } catch (KafkaException e) {
            log.debug(
                    "committed offsets unknown at assignment ({}); lag counts from the position until the first commit",
                    e.toString());
        }
        lastReport = 0;
    }

    public void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(committed::remove);
        lastReport = 0;
    }

    /**
     * A record read. Where the group has committed nothing yet, the first record this worker
     * read is where the group stands: everything from it on is lag until committed.
     */
    public void read(TopicPartition tp, long offset) {
        committed.putIfAbsent(tp, offset);
    }

    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    }

    public void maybeReport() {
        long now = System.nanoTime();
        if (lastReport != 0 && now - lastReport < REPORT_EVERY_NANOS) {
            return;
        }
        lastReport = now;
        Map<TopicPartition, Long> lag = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong behindPosition = consumer.currentLag(tp);
            if (behindPosition.isEmpty()) {
                continue;
            }
            long position;
            try {
                position = consumer.position(tp, Duration.ZERO);
            } catch (KafkaException e) {
                continue; // position not known yet: no figure rather than a wrong one
            }
            long logEnd = position + behindPosition.getAsLong();
            lag.put(tp, Math.max(0, logEnd - committed.getOrDefault(tp, position)));
        }
        metrics.lag(lag);
        metrics.assigned(consumer.assignment().size());
    }
}
