package io.featurex.worker.kafka;

/** The cluster could not be reached or refused the worker: the message says which server and why, in one line. */
public final class BrokerUnreachableException extends RuntimeException {

    public BrokerUnreachableException(String message) {
        super(message);
    }

    public BrokerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
