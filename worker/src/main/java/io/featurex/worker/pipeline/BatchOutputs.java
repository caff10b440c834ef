package io.featurex.worker.pipeline;

import io.featurex.worker.sink.Output;
import io.featurex.worker.sink.OutputRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The outputs of one finished batch, and the offsets they account for. Items of partitions this
 * worker no longer owns are left out: their next owner redoes them.
 *
 * @param firstOffsets per partition, the first offset in the batch: where to rewind to if the publish fails
 */
record BatchOutputs(
        List<Output> records,
        Map<TopicPartition, OffsetAndMetadata> offsets,
        Map<TopicPartition, Long> firstOffsets,
        long[] recordTimestamps) {

    static BatchOutputs of(List<WorkItem> items, float[][] vectors, OutputRecords outputs, Predicate<WorkItem> owned) {
        List<Output> records = new ArrayList<>(items.size());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        List<Long> timestamps = new ArrayList<>();
        int vector = 0;
        Instant now = Instant.now();
        for (WorkItem item : items) {
            Prepared prepared = item.prepared.join();
            float[] values = prepared instanceof Prepared.Image ? vectors[vector++] : null;
            if (!owned.test(item)) {
                continue;
            }
            var source = OutputRecords.coordinates(item.record.topic(), item.record.partition(), item.record.offset());
            if (prepared instanceof Prepared.Rejected rejected) {
                String uri = rejected.ref() == null ? "" : rejected.ref().getUri();
                records.add(outputs.deadLetter(rejected.id(), uri, rejected.error(),
                        source, item.record.key(), item.record.value(), now));
            } else {
                records.add(outputs.feature(prepared.id(), prepared.ref(), source, values, now, item.record.key(), item.record.value()));
            }
            offsets.merge(item.partition, new OffsetAndMetadata(item.record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
            first.merge(item.partition, item.record.offset(), Math::min);
            timestamps.add(item.record.timestamp());
        }
        return new BatchOutputs(records, offsets, first,
                timestamps.stream().mapToLong(Long::longValue).toArray());
    }
}
