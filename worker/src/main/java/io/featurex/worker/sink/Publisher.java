package io.featurex.worker.sink;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes one micro-batch of outputs and commits the input offsets they account for, such that
 * the offsets are never committed without the outputs.
 */
public interface Publisher extends AutoCloseable {

    /**
     * @throws RetriablePublishException nothing of this call is visible; the same call may be retried
     * @throws FatalPublishException     the worker must stop (fenced, not authorised, ...)
     */
    void publish(List<Output> outputs, Map<TopicPartition, OffsetAndMetadata> offsets);

    @Override
    void close();
}
