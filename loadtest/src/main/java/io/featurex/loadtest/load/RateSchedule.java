package io.featurex.loadtest.load;

/**
 * When each send is due, as an offset from the start of the run.
 *
 * <p>Open loop: send {@code i} is due at {@code i / rate} seconds whatever happened before it,
 * so a slow system cannot slow the load down (no coordinated omission). Latency is measured from
 * this scheduled time, not from when the send actually happened. {@link #asFastAsPossible()} has
 * no schedule: each send is due when the previous one returned.
 */
public final class RateSchedule {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perSecond;

    private RateSchedule(double perSecond) {
        this.perSecond = perSecond;
    }

    /** A fixed rate, in sends per second. */
    public static RateSchedule fixed(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of sends per second, got " + perSecond);
        }
        return new RateSchedule(perSecond);
    }

    /** No schedule: send as fast as the producer accepts records (closed loop on the producer only). */
    public static RateSchedule asFastAsPossible() {
        return new RateSchedule(0);
    }

    public boolean isOpenLoop() {
        return perSecond > 0;
    }

    /** Sends per second; 0 when as fast as possible. */
    public double perSecond() {
        return perSecond;
    }

    /**
     * Nanoseconds from the start at which send {@code index} (0-based) is due. Computed from the
     * index alone, never accumulated, so rounding errors do not drift. 0 when as fast as possible.
     */
    public long offsetNanos(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        if (!isOpenLoop()) {
            return 0;
        }
        // Exact for integral rates (the usual case); within a nanosecond otherwise.
        if (perSecond == Math.rint(perSecond) && index < Long.MAX_VALUE / NANOS_PER_SECOND) {
            return index * NANOS_PER_SECOND / (long) perSecond;
        }
        return (long) Math.floor(index * (NANOS_PER_SECOND / perSecond));
    }

    /** How many sends a run of {@code seconds} holds at this rate (those due strictly before its end). */
    public long sendsWithin(double seconds) {
        if (!isOpenLoop()) {
            throw new IllegalStateException("an as-fast-as-possible run has no fixed number of sends per second");
        }
        return (long) Math.ceil(seconds * perSecond - 1e-9);
    }

    @Override
    public String toString() {
        return isOpenLoop() ? perSecond + "/s (open loop)" : "as fast as possible";
    }
}
