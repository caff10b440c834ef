package io.featurex.worker.sink;

/** Publishing can never succeed from this worker instance: it must stop. */
public final class FatalPublishException extends RuntimeException {
    public FatalPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
