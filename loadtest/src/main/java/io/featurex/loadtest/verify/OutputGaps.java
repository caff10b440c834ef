package io.featurex.loadtest.verify;

import java.util.Arrays;

/**
 * Arithmetic over the sorted completion times of a run: steady throughput, and the pauses in
 * output (the longest time between two consecutive completions) around an event such as a
 * worker joining or leaving the group.
 */
public final class OutputGaps {

    private final long[] times;

    /** @param sortedEpochMs completion times, ascending */
    public OutputGaps(long[] sortedEpochMs) {
        for (int i = 1; i < sortedEpochMs.length; i++) {
            if (sortedEpochMs[i] < sortedEpochMs[i - 1]) {
                throw new IllegalArgumentException("completion times must be sorted");
            }
        }
        this.times = sortedEpochMs.clone();
    }

    /**
     * Completions per second between the 10th and the 90th percentile completion: the rate
     * the system sustained, leaving out the start-up ramp and the drain at the end. NaN with
     * fewer than 10 completions or when they all share one millisecond.
     */
    public double steadyThroughput() {
        int n = times.length;
        if (n < 10) {
            return Double.NaN;
        }
        int from = n / 10;
        int to = n - 1 - n / 10;
        long span = times[to] - times[from];
        return span <= 0 ? Double.NaN : (to - from) * 1000.0 / span;
    }

    /** The median time between consecutive completions, in ms (0 with fewer than 2). */
    public long medianGapMs() {
        if (times.length < 2) {
            return 0;
        }
        long[] gaps = new long[times.length - 1];
        for (int i = 1; i < times.length; i++) {
            gaps[i - 1] = times[i] - times[i - 1];
        }
        Arrays.sort(gaps);
        return gaps[(gaps.length - 1) / 2];
    }

    /**
     * The longest time without a completion that ends inside {@code [fromMs, toMs]}, counted
     * from the last completion before it (so a pause already under way at {@code fromMs} counts
     * whole). A window with no completion at all counts from the last completion before it (or
     * {@code fromMs}) to {@code toMs}.
     */
    public Gap longestGap(long fromMs, long toMs) {
        if (toMs < fromMs) {
            throw new IllegalArgumentException("empty window");
        }
        int first = lowerBound(fromMs);
        long previous = first > 0 ? times[first - 1] : fromMs;
        Gap longest = new Gap(previous, previous, 0);
        int i = first;
        for (; i < times.length && times[i] <= toMs; i++) {
            if (times[i] - previous > longest.lengthMs()) {
                longest = new Gap(previous, times[i], times[i] - previous);
            }
            previous = times[i];
        }
        if (i == first) {
            // Nothing completed inside the window: the pause lasts at least to its end.
            return new Gap(previous, toMs, toMs - previous);
        }
        return longest;
    }

    private int lowerBound(long value) {
        int lo = 0;
        int hi = times.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** A pause: the completions on either side of it and its length. */
    public record Gap(long fromEpochMs, long toEpochMs, long lengthMs) {}
}
