package io.featurex.bench;

import java.util.Arrays;

/**
 * When a worker's outputs appeared (their Kafka record timestamps: the worker's producer clock),
 * and what throughput that gives.
 *
 * <p>Outputs come in batches that share one instant, so "first output to last output" covers
 * every batch but the first: the steady rate counts only the outputs that appeared after the
 * first one (later than {@link #SAME_INSTANT_MILLIS} after it). The rate from the first produce
 * includes the pipeline filling up (fetch, decode and the first batch) and the worker's wait for
 * its first poll.
 */
public final class OutputTimeline {

    /** Records of one batch are sent within a few milliseconds; a VGG16 batch takes over 100. */
    public static final long SAME_INSTANT_MILLIS = 25;

    private final long firstProduceMillis;
    private final long[] outputMillis;

    public OutputTimeline(long firstProduceMillis, long[] outputMillis) {
        this.firstProduceMillis = firstProduceMillis;
        this.outputMillis = outputMillis.clone();
        Arrays.sort(this.outputMillis);
    }

    public int count() {
        return outputMillis.length;
    }

    /** Outputs per second from the first output to the last, the first output's batch not counted. */
    public double steadyRate() {
        if (outputMillis.length < 2) {
            return Double.NaN;
        }
        long first = outputMillis[0];
        long last = outputMillis[outputMillis.length - 1];
        int after = 0;
        for (long t : outputMillis) {
            if (t > first + SAME_INSTANT_MILLIS) {
                after++;
            }
        }
        return last - first <= SAME_INSTANT_MILLIS || after == 0 ? Double.NaN : after * 1000.0 / (last - first);
    }

    /** Outputs per second from the first input produced to the last output. */
    public double fromProduceRate() {
        if (outputMillis.length == 0) {
            return Double.NaN;
        }
        long span = outputMillis[outputMillis.length - 1] - firstProduceMillis;
        return span <= 0 ? Double.NaN : outputMillis.length * 1000.0 / span;
    }

    /** Seconds from the first input produced to the last output. */
    public double fromProduceSeconds() {
        return outputMillis.length == 0 ? 0 : (outputMillis[outputMillis.length - 1] - firstProduceMillis) / 1e3;
    }

    /** Seconds from the first output to the last. */
    public double steadySeconds() {
        return outputMillis.length < 2 ? 0 : (outputMillis[outputMillis.length - 1] - outputMillis[0]) / 1e3;
    }
}
