package io.featurex.worker.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * At-least-once, for brokers or users without transactions: outputs first, every acknowledgement
 * awaited, then the offsets. A crash between the two repeats the batch downstream.
 */
public final class AtLeastOncePublisher implements Publisher {

    private final Producer<byte[], byte[]> producer;
    private final Consumer<Map<TopicPartition, OffsetAndMetadata>> commit;

    /** @param commit commits offsets synchronously (the consumer's commitSync) */
    public AtLeastOncePublisher(Producer<byte[], byte[]> producer, Consumer<Map<TopicPartition, OffsetAndMetadata>> commit) {
        this.producer = producer;
        this.commit = commit;
    }

    @Override
    public void publish(List<Output> outputs, Map<TopicPartition, OffsetAndMetadata> offsets) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(outputs.size());
        try {
            for (Output output : outputs) {
                acks.add(producer.send(output.toRecord()));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            if (!offsets.isEmpty()) {
                commit.accept(offsets);
            }
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (PublishErrors.isFatal(cause)) {
                throw new FatalPublishException("publish failed for good: " + cause, cause);
            }
            throw new RetriablePublishException("publish failed, batch will be repeated: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriablePublishException("interrupted while publishing", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
