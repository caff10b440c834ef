package io.featurex.worker.sink;

/** Publishing failed and was rolled back; retrying the same batch is safe. */
public final class RetriablePublishException extends RuntimeException {
    public RetriablePublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
