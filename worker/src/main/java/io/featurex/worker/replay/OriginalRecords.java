package io.featurex.worker.replay;

import io.featurex.v1.SourceCoordinates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Input records read back by their coordinates, for dead letters that carry only a prefix of the
 * input's bytes: the whole record is still in its topic while the topic's retention keeps it.
 */
final class OriginalRecords implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final int MAX_EMPTY_POLLS = 20;

    private final KafkaConsumer<byte[], byte[]> consumer;

    /** @param consumer a consumer without a group of its own use: it is assigned and seeks */
    OriginalRecords(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** @return the record at exactly those coordinates, or empty when the log no longer holds it */
    Optional<ConsumerRecord<byte[], byte[]>> read(SourceCoordinates source) {
        TopicPartition partition = new TopicPartition(source.getTopic(), source.getPartition());
        Map<TopicPartition, Long> earliest = consumer.beginningOffsets(List.of(partition));
        if (earliest.getOrDefault(partition, Long.MAX_VALUE) > source.getOffset()) {
            return Optional.empty();
        }
        consumer.assign(List.of(partition));
        consumer.seek(partition, source.getOffset());
        for (int empty = 0; empty < MAX_EMPTY_POLLS; ) {
            var records = consumer.poll(POLL).records(partition);
            if (records.isEmpty()) {
                empty++;
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() == source.getOffset()) {
                    return Optional.of(record);
                }
                if (record.offset() > source.getOffset()) {
                    return Optional.empty(); // compacted away, or an aborted transaction's record
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
