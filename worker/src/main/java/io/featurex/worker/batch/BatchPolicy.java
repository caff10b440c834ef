package io.featurex.worker.batch;

/**
 * Dynamic batching, decided as a pure function of the queue and a clock (no sleeping, no
 * threads), so it can be tested exhaustively: send when the model is free and either a full
 * batch is ready or the oldest ready image has waited its maximum delay.
 *
 * <p>The default delay is zero: an idle model takes whatever is ready at once, and batches grow
 * by themselves while the model is busy. A delay is worth adding only where measurement shows
 * that fuller batches buy throughput.
 */
public final class BatchPolicy {

    /** Send {@code images} images now, or wait at most {@code waitNanos} before asking again. */
    public record Decision(int images, long waitNanos) {
        public static final long FOREVER = Long.MAX_VALUE;

        public boolean send() {
            return images > 0;
        }
    }

    private final int maxSize;
    private final long maxDelayNanos;

    public BatchPolicy(int maxSize, long maxDelayNanos) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("max batch size must be at least 1, got " + maxSize);
        }
        if (maxDelayNanos < 0) {
            throw new IllegalArgumentException("max batch delay must not be negative, got " + maxDelayNanos);
        }
        this.maxSize = maxSize;
        this.maxDelayNanos = maxDelayNanos;
    }

    public int maxSize() {
        return maxSize;
    }

    /**
     * @param readyImages      images decoded and waiting, in order, not yet in a batch
     * @param oldestWaitNanos  how long the oldest of them has waited
     * @param modelIdle        whether the model could take a batch now
     */
    public Decision decide(int readyImages, long oldestWaitNanos, boolean modelIdle) {
        if (!modelIdle || readyImages == 0) {
            return new Decision(0, Decision.FOREVER);
        }
        if (readyImages >= maxSize) {
            return new Decision(maxSize, 0);
        }
        if (oldestWaitNanos >= maxDelayNanos) {
            return new Decision(readyImages, 0);
        }
        return new Decision(0, maxDelayNanos - oldestWaitNanos);
    }
}
