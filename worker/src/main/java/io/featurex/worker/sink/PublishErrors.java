package io.featurex.worker.sink;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one place that decides which Kafka errors stop the worker and which are retried. A record
 * too large is neither: it is that record's own failure ({@link Refusals}).
 */
final class PublishErrors {

    private PublishErrors() {}

    static boolean isFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException
                    || t instanceof InvalidProducerEpochException
                    || t instanceof OutOfOrderSequenceException
                    || t instanceof AuthorizationException
                    || t instanceof AuthenticationException
                    || t instanceof UnsupportedVersionException
                    || t instanceof SerializationException) {
                return true;
            }
        }
        return false;
    }
}
