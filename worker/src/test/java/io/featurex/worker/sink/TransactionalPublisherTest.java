package io.featurex.worker.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What becomes of a transaction's failure: retried as it is, retried with a new producer (the old
 * one's epoch is gone), or the worker's end.
 */
class TransactionalPublisherTest {

    private static final Map<TopicPartition, OffsetAndMetadata> OFFSETS =
            Map.of(new TopicPartition("images", 0), new OffsetAndMetadata(8));
    // Kafka's own stand-in: the metadata's constructors are deprecated for applications.
    private static final ConsumerGroupMetadata GROUP = new MockConsumer<byte[], byte[]>("earliest").groupMetadata();

    private final List<MockProducer<byte[], byte[]>> made = new ArrayList<>();
    private final TransactionalPublisher publisher = new TransactionalPublisher(
            () -> {
                MockProducer<byte[], byte[]> p =
                        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
                made.add(p);
                return p;
            },
            (output, error) -> output);

    private static List<Output> outputs() {
        return List.of(new Output("features", new byte[] {1}, new byte[] {2}, List.of(), "id-1", null, null));
    }

    @Test
    void aFencedProducerIsReplacedAndTheNextPublishGoesThroughTheNewOne() {
        made.get(0).fenceProducer();

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(RetriablePublishException.class)
                .hasMessageContaining("a new one took over");
        assertThat(made).hasSize(2);
        assertThat(made.get(0).closed()).isTrue();
        assertThat(made.get(1).transactionInitialized()).isTrue();

        assertThat(publisher.publish(outputs(), OFFSETS, GROUP)).hasSize(1);
        assertThat(made.get(1).transactionCommitted()).isTrue();
        assertThat(made.get(1).history()).hasSize(1);
        assertThat(made.get(1).consumerGroupOffsetsHistory()).containsExactly(Map.of(GROUP.groupId(), OFFSETS));
    }

    @Test
    void aTransactionTheCoordinatorAbortedForItsTimeoutGetsANewProducer() {
        // A worker frozen past transaction.timeout.ms: the coordinator aborted and bumped the epoch.
        made.get(0).commitTransactionException = new InvalidProducerEpochException("epoch bumped");

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(RetriablePublishException.class);
        assertThat(made).hasSize(2);
        assertThat(made.get(0).transactionCommitted()).isFalse();
    }

    @Test
    void aProducerThatCannotEvenAbortIsReplaced() {
        made.get(0).commitTransactionException = new KafkaException("commit failed");
        made.get(0).abortTransactionException = new InvalidTxnStateException("invalid state");

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(RetriablePublishException.class)
                .hasMessageContaining("commit failed");
        assertThat(made).hasSize(2);
    }

    @Test
    void aPassingFailureIsAbortedAndRetriedOnTheSameProducer() {
        made.get(0).commitTransactionException = new KafkaException("broker gone for a moment");

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(RetriablePublishException.class)
                .hasMessageContaining("transaction aborted");
        assertThat(made).hasSize(1);
        assertThat(made.get(0).transactionAborted()).isTrue();
    }

    @Test
    void offsetsRefusedForAMovedGenerationSayThePartitionsMoved() {
        made.get(0).commitTransactionException = new KafkaException(
                "commit failed", new CommitFailedException("Specified group generation id is not valid."));

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOfSatisfying(
                        RetriablePublishException.class,
                        e -> assertThat(e.partitionsMoved()).isTrue());
        assertThat(made.get(0).transactionAborted()).isTrue();

        made.get(0).commitTransactionException = new KafkaException("broker gone for a moment");
        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOfSatisfying(
                        RetriablePublishException.class,
                        e -> assertThat(e.partitionsMoved()).isFalse());
    }

    @Test
    void aMissingPermissionStopsTheWorker() {
        made.get(0).commitTransactionException = new TopicAuthorizationException("no write on features");

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(FatalPublishException.class);
        assertThat(made).hasSize(1);
    }

    @Test
    void aNewProducerThatCannotStartStopsTheWorker() {
        List<MockProducer<byte[], byte[]>> own = new ArrayList<>();
        TransactionalPublisher failing = new TransactionalPublisher(
                () -> {
                    MockProducer<byte[], byte[]> p =
                            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
                    if (!own.isEmpty()) {
                        p.initTransactionException = new KafkaException("coordinator unavailable");
                    }
                    own.add(p);
                    return p;
                },
                (output, error) -> output);
        own.get(0).fenceProducer();

        assertThatThrownBy(() -> failing.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(FatalPublishException.class)
                .hasMessageContaining("could not take over");
        assertThat(own).hasSize(2);
        assertThat(own.get(1).closed()).isTrue();
    }

    @Test
    void fencedAgainAndAgainByANewerProducerMeansAnotherWorkerHasTheSameId() {
        long[] now = {0};
        List<MockProducer<byte[], byte[]>> own = new ArrayList<>();
        TransactionalPublisher twin = new TransactionalPublisher(
                () -> {
                    MockProducer<byte[], byte[]> p =
                            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
                    own.add(p);
                    return p;
                },
                (output, error) -> output,
                () -> now[0]);
        for (int i = 1; i < TransactionalPublisher.MAX_FENCED; i++) {
            own.get(own.size() - 1).fenceProducer();
            now[0] += 5_000_000_000L;
            assertThatThrownBy(() -> twin.publish(outputs(), OFFSETS, GROUP))
                    .isInstanceOf(RetriablePublishException.class);
        }
        own.get(own.size() - 1).fenceProducer();
        now[0] += 5_000_000_000L;

        assertThatThrownBy(() -> twin.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(FatalPublishException.class)
                .hasMessageContaining("another running worker has this worker.id");
    }

    @Test
    void fencingsFurtherApartThanAMinuteAreEachTakenOver() {
        long[] now = {0};
        List<MockProducer<byte[], byte[]>> own = new ArrayList<>();
        TransactionalPublisher publisher = new TransactionalPublisher(
                () -> {
                    MockProducer<byte[], byte[]> p =
                            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
                    own.add(p);
                    return p;
                },
                (output, error) -> output,
                () -> now[0]);
        for (int i = 0; i < 2 * TransactionalPublisher.MAX_FENCED; i++) {
            own.get(own.size() - 1).fenceProducer();
            now[0] += 20_000_000_000L;
            assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                    .isInstanceOf(RetriablePublishException.class);
        }
        assertThat(publisher.publish(outputs(), OFFSETS, GROUP)).hasSize(1);
    }

    @Test
    void aCommitNotAcknowledgedInTimeIsAwaitedAgainAndNeverAborted() {
        int[] commits = {0};
        List<MockProducer<byte[], byte[]>> own = new ArrayList<>();
        TransactionalPublisher publisher = publisherOf(
                own, () -> new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public void commitTransaction() {
                        if (commits[0]++ == 0) {
                            throw new TimeoutException("CommitTransaction timed out");
                        }
                        super.commitTransaction();
                    }
                });

        assertThat(publisher.publish(outputs(), OFFSETS, GROUP)).hasSize(1);
        assertThat(commits[0]).isEqualTo(2);
        assertThat(own).hasSize(1);
        assertThat(own.get(0).transactionCommitted()).isTrue();
        assertThat(own.get(0).transactionAborted()).isFalse();
    }

    @Test
    void aCommitNeverAcknowledgedStopsTheWorkerWithoutAbortingIt() {
        List<MockProducer<byte[], byte[]>> own = new ArrayList<>();
        TransactionalPublisher publisher = publisherOf(own, () -> {
            MockProducer<byte[], byte[]> p =
                    new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            p.commitTransactionException = new TimeoutException("CommitTransaction timed out");
            return p;
        });

        // Aborting a commit that may be applied would be refused, and redoing its records could publish them twice.
        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(FatalPublishException.class)
                .hasMessageContaining(TransactionalPublisher.COMMIT_WAITS + " waits")
                .hasMessageContaining("resumes from the offsets it committed");
        assertThat(own).hasSize(1);
        assertThat(own.get(0).transactionAborted()).isFalse();
    }

    @Test
    void anAbortTheClientRefusesInItsStateGetsANewProducer() {
        List<MockProducer<byte[], byte[]>> own = new ArrayList<>();
        TransactionalPublisher publisher = publisherOf(
                own, () -> new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public void abortTransaction() {
                        throw new IllegalStateException("Invalid transition attempted");
                    }
                });
        own.get(0).commitTransactionException = new KafkaException("commit failed");

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(RetriablePublishException.class)
                .hasMessageContaining("a new one took over");
        assertThat(own).hasSize(2);
        assertThat(own.get(0).closed()).isTrue();
        assertThat(publisher.publish(outputs(), OFFSETS, GROUP)).hasSize(1);
        assertThat(own.get(1).transactionCommitted()).isTrue();
    }

    @Test
    void aTransactionTheClientRefusesToBeginGetsANewProducer() {
        List<MockProducer<byte[], byte[]>> own = new ArrayList<>();
        TransactionalPublisher publisher = publisherOf(
                own, () -> new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public void beginTransaction() {
                        if (own.size() == 1) {
                            throw new IllegalStateException(
                                    "TransactionalId featurex-worker-1: Invalid transition attempted");
                        }
                        super.beginTransaction();
                    }
                });

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(RetriablePublishException.class);
        assertThat(own).hasSize(2);
        assertThat(publisher.publish(outputs(), OFFSETS, GROUP)).hasSize(1);
    }

    @Test
    void aNewProducerWhoseTransactionsAreNotInitialisedInTimeTriesAgainWithTheNextPublish() {
        int[] inits = {0};
        List<MockProducer<byte[], byte[]>> own = new ArrayList<>();
        TransactionalPublisher publisher = publisherOf(
                own, () -> new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public void initTransactions() {
                        // The first producer starts; the one after it finds the coordinator moving, once.
                        if (inits[0]++ == 1) {
                            throw new TimeoutException("Timeout expired while initializing transactional state");
                        }
                        super.initTransactions();
                    }
                });
        own.get(0).fenceProducer();

        assertThatThrownBy(() -> publisher.publish(outputs(), OFFSETS, GROUP))
                .isInstanceOf(RetriablePublishException.class)
                .hasMessageContaining("tried again with the next publish");
        assertThat(own).hasSize(2);
        assertThat(own.get(1).closed()).isFalse();

        assertThat(publisher.publish(outputs(), OFFSETS, GROUP)).hasSize(1);
        assertThat(inits[0]).isEqualTo(3);
        assertThat(own).hasSize(2);
        assertThat(own.get(1).transactionCommitted()).isTrue();
    }

    private static TransactionalPublisher publisherOf(
            List<MockProducer<byte[], byte[]>> made, Supplier<MockProducer<byte[], byte[]>> producers) {
        return new TransactionalPublisher(
                () -> {
                    MockProducer<byte[], byte[]> p = producers.get();
                    made.add(p);
                    return p;
                },
                (output, error) -> output);
    }
}
