package io.featurex.worker.sink;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Exactly-once: per micro-batch, one transaction holds the features, the dead letters and the
 * consumed offsets. Never one transaction per record (each costs ~10 ms).
 */
public final class TransactionalPublisher implements Publisher {

    private final Producer<byte[], byte[]> producer;
    private final Supplier<ConsumerGroupMetadata> groupMetadata;

    /** @param producer a producer with a transactional.id; transactions are initialised here */
    public TransactionalPublisher(Producer<byte[], byte[]> producer, Supplier<ConsumerGroupMetadata> groupMetadata) {
        this.producer = producer;
        this.groupMetadata = groupMetadata;
        producer.initTransactions();
    }

    @Override
    public void publish(List<Output> outputs, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (outputs.isEmpty() && offsets.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            for (Output output : outputs) {
                producer.send(output.toRecord());
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, groupMetadata.get());
            }
            // Fails if any send failed: no callback error can be lost.
            producer.commitTransaction();
        } catch (KafkaException e) {
            if (PublishErrors.isFatal(e)) {
                throw new FatalPublishException("transaction failed for good: " + e, e);
            }
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                e.addSuppressed(abortFailure);
                throw new FatalPublishException("transaction failed and could not be aborted: " + e, e);
            }
            throw new RetriablePublishException("transaction aborted: " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
