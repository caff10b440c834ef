package io.featurex.worker.pipeline;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The envelope that travels through the stages: the input record, the assignment epoch of its
 * partition when it was read (work from before a rebalance is recognised by it and dropped),
 * when it arrived, and its fetch-and-decode result.
 */
final class WorkItem {

    final ConsumerRecord<byte[], byte[]> record;
    final TopicPartition partition;
    final long epoch;
    final long arrivedNanos;
    final CompletableFuture<Prepared> prepared;
    /** When fetch and decode finished (set by the decode pool), for the queue-wait metric. */
    volatile long readyNanos;

    WorkItem(ConsumerRecord<byte[], byte[]> record, long epoch, long arrivedNanos, CompletableFuture<Prepared> prepared) {
        this.record = record;
        this.partition = new TopicPartition(record.topic(), record.partition());
        this.epoch = epoch;
        this.arrivedNanos = arrivedNanos;
        this.prepared = prepared;
    }

    boolean isReady() {
        return prepared.isDone();
    }

    boolean isImage() {
        return prepared.join() instanceof Prepared.Image;
    }
}
