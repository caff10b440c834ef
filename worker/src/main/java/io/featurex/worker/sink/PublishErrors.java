package io.featurex.worker.sink;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one place that decides which Kafka errors stop the worker, which end the producer's life
 * (a new one takes over) and which are retried as they are. A record too large is none of these:
 * it is that record's own failure ({@link Refusals}).
 */
final class PublishErrors {

    private PublishErrors() {}

    /** A setting or the cluster's permissions, which no retry or new producer mends. */
    static boolean isFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException
                    || t instanceof AuthenticationException
                    || t instanceof UnsupportedVersionException
                    || t instanceof SerializationException) {
                return true;
            }
        }
        return false;
    }

    /** The consumer group's generation moved on: the offsets were refused, the partitions are someone else's now. */
    static boolean partitionsMoved(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CommitFailedException
                    || t instanceof RebalanceInProgressException
                    || t instanceof IllegalGenerationException
                    || t instanceof UnknownMemberIdException
                    || t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The producer can make no more transactions: its epoch was bumped (by a newer producer of the
     * same transactional id, or by the coordinator aborting a transaction that outlived
     * transaction.timeout.ms while this worker was frozen or cut off), or its sequence broke.
     */
    static boolean endsProducer(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException
                    || t instanceof InvalidProducerEpochException
                    || t instanceof InvalidTxnStateException
                    || t instanceof OutOfOrderSequenceException) {
                return true;
            }
        }
        return false;
    }
}
