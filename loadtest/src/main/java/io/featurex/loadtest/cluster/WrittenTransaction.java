package io.featurex.loadtest.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * A transaction that is open and has records of its own in a topic's log: the coordinator says it
 * is ongoing, and the leader of one of its partitions of the topic holds a batch of the same
 * producer id and epoch from which that transaction started there. Only then does a kill leave
 * records to abort; "ongoing" alone also covers the moment after the partitions were added and
 * before anything was appended.
 *
 * @param startOffsets where the transaction's records start, per partition of the topic
 */
record WrittenTransaction(
        String transactionalId, long producerId, int producerEpoch, Map<TopicPartition, Long> startOffsets) {

    /** The open transaction of {@code transactionalId} with records in {@code topic}, if there is one. */
    static Optional<WrittenTransaction> find(Admin admin, String transactionalId, String topic)
            throws InterruptedException {
        try {
            TransactionDescription d =
                    Transactions.describe(admin, transactionalId).get(5, TimeUnit.SECONDS);
            if (d.state() != TransactionState.ONGOING) {
                return Optional.empty();
            }
            List<TopicPartition> partitions = d.topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(topic))
                    .toList();
            if (partitions.isEmpty()) {
                return Optional.empty();
            }
            Map<TopicPartition, PartitionProducerState> producers =
                    admin.describeProducers(partitions).all().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, Long> starts = new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                    ? Integer.compare(a.partition(), b.partition())
                    : a.topic().compareTo(b.topic()));
            producers.forEach((tp, state) -> {
                for (ProducerState p : state.activeProducers()) {
                    if (p.producerId() == d.producerId()
                            && p.producerEpoch() == d.producerEpoch()
                            && p.currentTransactionStartOffset().isPresent()) {
                        starts.put(tp, p.currentTransactionStartOffset().getAsLong());
                    }
                }
            });
            return starts.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new WrittenTransaction(transactionalId, d.producerId(), d.producerEpoch(), starts));
        } catch (ExecutionException | TimeoutException e) {
            // Not there yet (the worker starting), a coordinator or leader moving: not caught.
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return transactionalId + " (producer " + producerId + " epoch " + producerEpoch + ") has records from "
                + startOffsets;
    }
}
