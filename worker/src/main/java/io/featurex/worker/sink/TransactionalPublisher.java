package io.featurex.worker.sink;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Exactly-once: per micro-batch, one transaction holds the features, the dead letters and the
 * consumed offsets. Never one transaction per record (each costs ~10 ms). A transaction that
 * fails because the broker refused some of its outputs for their size is aborted and sent again
 * at once with those outputs replaced (a second refusal is not about one record any more).
 */
public final class TransactionalPublisher implements Publisher {

    private final Producer<byte[], byte[]> producer;
    private final BiFunction<Output, Exception, Output> replacement;

    /**
     * @param producer    a producer with a transactional.id; transactions are initialised here
     * @param replacement the dead letter standing in for an output the broker refused
     */
    public TransactionalPublisher(
            Producer<byte[], byte[]> producer, BiFunction<Output, Exception, Output> replacement) {
        this.producer = producer;
        this.replacement = replacement;
        producer.initTransactions();
    }

    @Override
    public List<Output> publish(
            List<Output> outputs, Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (outputs.isEmpty() && offsets.isEmpty()) {
            return outputs;
        }
        List<Output> attempt = outputs;
        for (int round = 1; ; round++) {
            Refusals refusals = new Refusals(attempt.size());
            try {
                producer.beginTransaction();
                for (int i = 0; i < attempt.size(); i++) {
                    int index = i;
                    producer.send(attempt.get(i).toRecord(), (metadata, error) -> {
                        if (error != null) {
                            refusals.failed(index, error);
                        }
                    });
                }
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, group);
                }
                // Fails if any send failed: no callback error can be lost.
                producer.commitTransaction();
                return attempt;
            } catch (KafkaException e) {
                if (PublishErrors.isFatal(e)) {
                    throw new FatalPublishException("transaction failed for good: " + e, e);
                }
                abort(e);
                List<Output> replaced = refusals.replaceRefused(attempt, replacement);
                if (replaced == attempt || round == 2) {
                    throw new RetriablePublishException("transaction aborted: " + e, e);
                }
                attempt = replaced;
            }
        }
    }

    private void abort(KafkaException failure) {
        try {
            producer.abortTransaction();
        } catch (KafkaException abortFailure) {
            failure.addSuppressed(abortFailure);
            throw new FatalPublishException("transaction failed and could not be aborted: " + failure, failure);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
