package io.featurex.worker.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * At-least-once, for brokers or users without transactions: outputs first, every acknowledgement
 * awaited, then the offsets. A crash between the two repeats the batch downstream. Outputs the
 * broker refused for their size are replaced and only the replacements sent again.
 */
public final class AtLeastOncePublisher implements Publisher {

    private final Producer<byte[], byte[]> producer;
    private final Consumer<Map<TopicPartition, OffsetAndMetadata>> commit;
    private final BiFunction<Output, Exception, Output> replacement;

    /**
     * @param commit      commits offsets synchronously (the consumer's commitSync)
     * @param replacement the dead letter standing in for an output the broker refused
     */
    public AtLeastOncePublisher(
            Producer<byte[], byte[]> producer,
            Consumer<Map<TopicPartition, OffsetAndMetadata>> commit,
            BiFunction<Output, Exception, Output> replacement) {
        this.producer = producer;
        this.commit = commit;
        this.replacement = replacement;
    }

    @Override
    public List<Output> publish(
            List<Output> outputs, Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        try {
            List<Output> published = new ArrayList<>(outputs);
            Map<Integer, Exception> refused = sendAll(published, indices(outputs.size()));
            if (!refused.isEmpty()) {
                refused.forEach((i, error) -> published.set(i, replacement.apply(published.get(i), error)));
                Map<Integer, Exception> again = sendAll(published, List.copyOf(refused.keySet()));
                if (!again.isEmpty()) {
                    throw new RetriablePublishException(
                            "the broker refused even the smallest dead letters",
                            again.values().iterator().next());
                }
            }
            if (!offsets.isEmpty()) {
                commit.accept(offsets);
            }
            return published;
        } catch (KafkaException e) {
            if (PublishErrors.isFatal(e) || PublishErrors.endsProducer(e)) {
                throw new FatalPublishException("publish failed for good: " + e, e);
            }
            throw new RetriablePublishException("publish failed, batch will be repeated: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriablePublishException("interrupted while publishing", e);
        }
    }

    /**
     * Sends the outputs at {@code which} and awaits them.
     *
     * @return those refused for their size, with the broker's error
     * @throws KafkaException any other failure, the first one met
     */
    private Map<Integer, Exception> sendAll(List<Output> outputs, List<Integer> which) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(which.size());
        for (int i : which) {
            acks.add(producer.send(outputs.get(i).toRecord()));
        }
        producer.flush();
        Map<Integer, Exception> refused = new TreeMap<>();
        KafkaException other = null;
        for (int k = 0; k < which.size(); k++) {
            try {
                acks.get(k).get();
            } catch (ExecutionException e) {
                Exception cause = e.getCause() instanceof Exception c ? c : e;
                if (Refusals.isAboutItsSize(cause)) {
                    refused.put(which.get(k), cause);
                } else if (other == null) {
                    other = cause instanceof KafkaException ke ? ke : new KafkaException(cause);
                }
            }
        }
        if (other != null) {
            throw other;
        }
        return refused;
    }

    private static List<Integer> indices(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    @Override
    public void close() {
        producer.close();
    }
}
