package io.featurex.worker.pipeline;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The envelope that travels through the stages: one image of an input record (most records name
 * one; an S3 event can name several), the assignment epoch of its partition when it was read (work
 * from before a rebalance is recognised by it and dropped), when it arrived, and its
 * fetch-and-decode result.
 */
final class WorkItem {

    final ConsumerRecord<byte[], byte[]> record;
    final TopicPartition partition;
    /** This item's place among its record's items: the record's offset is done when all are. */
    final int part;
    final int parts;
    final long epoch;
    final long arrivedNanos;
    final CompletableFuture<Prepared> prepared;
    /** When fetch and decode finished (set by the decode pool), for the queue-wait metric. */
    volatile long readyNanos;

    WorkItem(ConsumerRecord<byte[], byte[]> record, int part, int parts, long epoch, long arrivedNanos,
            CompletableFuture<Prepared> prepared) {
        this.record = record;
        this.partition = new TopicPartition(record.topic(), record.partition());
        this.part = part;
        this.parts = parts;
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

    boolean isLastOfRecord() {
        return part == parts - 1;
    }
}
