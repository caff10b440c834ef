package io.featurex.worker.sink;

/** Publishing failed and was rolled back; retrying the same batch is safe. */
public final class RetriablePublishException extends RuntimeException {
    public RetriablePublishException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether it failed because this worker's place in the consumer group moved on (a rebalance,
     * or the group dropped it): the offsets are no longer its to commit, and whoever holds the
     * partitions now redoes their records. No failure of the worker's own, however often it comes.
     */
    public boolean partitionsMoved() {
        return PublishErrors.partitionsMoved(this);
    }
}
