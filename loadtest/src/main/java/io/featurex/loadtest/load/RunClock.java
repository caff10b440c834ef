package io.featurex.loadtest.load;

import java.time.Instant;

/**
 * The run's time base: {@link System#nanoTime()} for scheduling (monotonic), mapped onto wall
 * clock time once at the start, so scheduled times can be compared with Kafka record timestamps
 * (wall clock milliseconds, stamped by producers on this host).
 */
public final class RunClock {

    private final long startNanos;
    private final long startEpochMicros;

    private RunClock(long startNanos, long startEpochMicros) {
        this.startNanos = startNanos;
        this.startEpochMicros = startEpochMicros;
    }

    /** Starts now. */
    public static RunClock start() {
        Instant now = Instant.now();
        long nanos = System.nanoTime();
        return new RunClock(nanos, now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
    }

    public long startNanos() {
        return startNanos;
    }

    public long startEpochMillis() {
        return Math.floorDiv(startEpochMicros, 1000L);
    }

    /** Wall clock microseconds of a {@link System#nanoTime()} reading. */
    public long epochMicros(long nanoTime) {
        return startEpochMicros + Math.floorDiv(nanoTime - startNanos, 1000L);
    }

    public long epochMillis(long nanoTime) {
        return Math.floorDiv(epochMicros(nanoTime), 1000L);
    }
}
