package io.featurex.worker.sink;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once: per micro-batch, one transaction holds the features, the dead letters and the
 * consumed offsets. Never one transaction per record (each costs ~10 ms). A transaction that
 * fails because the broker refused some of its outputs for their size is aborted and sent again
 * at once with those outputs replaced (a second refusal is not about one record any more).
 *
 * <p>A producer whose epoch was bumped can make no more transactions. That happens to a worker that
 * was frozen or cut off past transaction.timeout.ms (the coordinator aborted its transaction) and
 * to a zombie that a newer instance of the same worker id fenced. Either way its transaction is
 * gone and its records will be redone by whoever holds their partitions now; the publish fails as
 * retriable, and a new producer of the same transactional id takes over. Its initTransactions
 * bumps the epoch again, so two live workers given the same worker id would fence each other in
 * turn without end: fenced by a newer producer {@value #MAX_FENCED} times within a minute, the
 * worker stops and says why.
 *
 * <p>A commit that the coordinator has not acknowledged within max.block.ms may still be applied,
 * so it is never aborted (the client forbids that): it is awaited again. A new producer whose
 * transactions could not be initialised in time (the coordinator is moving) tries again with the
 * next publish. Any other call the client refuses in the state it is in leaves the producer in a
 * state this class does not know, and a new one takes over.
 */
public final class TransactionalPublisher implements Publisher {

    private static final Logger log = LoggerFactory.getLogger(TransactionalPublisher.class);
    static final int MAX_FENCED = 5;
    /** Waits of max.block.ms (60 s by default) for one commit's acknowledgement before the worker gives up. */
    static final int COMMIT_WAITS = 5;

    private static final long FENCED_WINDOW_NANOS = Duration.ofMinutes(1).toNanos();

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final BiFunction<Output, Exception, Output> replacement;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Long> fencedAt = new ArrayDeque<>();
    // Replaced on the publish thread, closed from the loop's.
    private volatile Producer<byte[], byte[]> producer;
    /** Whether initTransactions went through on {@link #producer}. */
    private boolean initialised;

    /**
     * @param producers   makes a producer with the worker's transactional.id (at start, and after
     *                    one was fenced); transactions are initialised here
     * @param replacement the dead letter standing in for an output the broker refused
     */
    public TransactionalPublisher(
            Supplier<Producer<byte[], byte[]>> producers, BiFunction<Output, Exception, Output> replacement) {
        this(producers, replacement, System::nanoTime);
    }

    TransactionalPublisher(
            Supplier<Producer<byte[], byte[]>> producers,
            BiFunction<Output, Exception, Output> replacement,
            LongSupplier nanoTime) {
        this.producers = producers;
        this.replacement = replacement;
        this.nanoTime = nanoTime;
        this.producer = producers.get();
        producer.initTransactions();
        this.initialised = true;
    }

    @Override
    public List<Output> publish(
            List<Output> outputs, Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (outputs.isEmpty() && offsets.isEmpty()) {
            return outputs;
        }
        if (!initialised) {
            initialise();
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
                commit();
                return attempt;
            } catch (IllegalStateException e) {
                // The client refused a call in the state it is in (an error its I/O thread hit, say):
                // only a new producer has a known state, and its initTransactions ends this transaction.
                replaceProducer(e);
                throw new RetriablePublishException(
                        "transaction lost with its producer (a new one took over): " + e, e);
            } catch (KafkaException e) {
                if (PublishErrors.isFatal(e)) {
                    throw new FatalPublishException("transaction failed for good: " + e, e);
                }
                if (PublishErrors.endsProducer(e) || !abort(e)) {
                    replaceProducer(e);
                    throw new RetriablePublishException(
                            "transaction lost with its producer (a new one took over): " + e, e);
                }
                List<Output> replaced = refusals.replaceRefused(attempt, replacement);
                if (replaced == attempt || round == 2) {
                    throw new RetriablePublishException("transaction aborted: " + e, e);
                }
                attempt = replaced;
            }
        }
    }

    /**
     * A commit that timed out may have been applied all the same; calling it again awaits the same
     * outcome, where an abort would be refused. Given up on after {@value #COMMIT_WAITS} waits:
     * only the broker knows whether it committed, and a restarted worker resumes from the offsets
     * it did commit, so nothing is lost or done twice.
     */
    private void commit() {
        for (int wait = 1; ; wait++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (wait == COMMIT_WAITS) {
                    throw new FatalPublishException(
                            "a commit was not acknowledged in " + wait + " waits of max.block.ms; whether it was"
                                    + " applied only the broker knows, and a restart resumes from the offsets it committed",
                            e);
                }
                log.warn(
                        "commit not acknowledged yet ({}); waiting for it again, as it may be applied", e.getMessage());
            }
        }
    }

    /** @return false if the producer could not even abort (it is fenced, in an error state, or refused the call) */
    private boolean abort(KafkaException failure) {
        try {
            producer.abortTransaction();
            return true;
        } catch (IllegalStateException abortFailure) {
            failure.addSuppressed(abortFailure);
            return false;
        } catch (KafkaException abortFailure) {
            if (PublishErrors.isFatal(abortFailure)) {
                failure.addSuppressed(abortFailure);
                throw new FatalPublishException("transaction failed and could not be aborted: " + failure, failure);
            }
            failure.addSuppressed(abortFailure);
            return false;
        }
    }

    private void replaceProducer(RuntimeException cause) {
        if (fencedByNewerProducer(cause)) {
            long now = nanoTime.getAsLong();
            fencedAt.addLast(now);
            while (now - fencedAt.peekFirst() > FENCED_WINDOW_NANOS) {
                fencedAt.removeFirst();
            }
            if (fencedAt.size() >= MAX_FENCED) {
                throw new FatalPublishException(
                        "fenced by a newer producer of the same transactional id " + fencedAt.size()
                                + " times within a minute: another running worker has this worker.id (it must be unique)",
                        cause);
            }
        }
        log.warn(
                "producer can make no more transactions ({}); a new one of the same transactional id takes over",
                cause.toString());
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        producer = producers.get();
        initialised = false;
        initialise();
    }

    /**
     * Its initTransactions also ends the old producer's transaction (aborted, or awaited where its
     * commit had begun). Timed out, it is called again on the next publish, which awaits the same.
     */
    private void initialise() {
        try {
            producer.initTransactions();
            initialised = true;
        } catch (TimeoutException e) {
            throw new RetriablePublishException(
                    "a new producer's transactions are not initialised yet (tried again with the next publish): " + e,
                    e);
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw new FatalPublishException("a new producer could not take over: " + e, e);
        }
    }

    private static boolean fencedByNewerProducer(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        producer.close();
    }
}
