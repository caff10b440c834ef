package io.featurex.worker.sink;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes one micro-batch of outputs and commits the input offsets they account for, such that
 * the offsets are never committed without the outputs. An output the broker refuses for its own
 * sake (its size) is that output's failure, not the batch's: it is replaced by the smallest dead
 * letter that names its input, and the batch goes out with that in its place.
 */
public interface Publisher extends AutoCloseable {

    /**
     * @param group the consumer group's metadata as the consumer had it when the records were taken
     *              (read on the consumer's thread: the consumer is not thread-safe)
     * @return the outputs as they were published, replacements included, in the same order
     * @throws RetriablePublishException nothing of this call is visible; the same call may be retried
     * @throws FatalPublishException     the worker must stop (fenced, not authorised, ...)
     */
    List<Output> publish(
            List<Output> outputs, Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group);

    @Override
    void close();
}
