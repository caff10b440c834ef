package io.featurex.loadtest.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened in each second of a run: inputs sent (by actual send time), outputs completed
 * (first sighting of an id, by output record timestamp), the slowest of them, and the lag
 * (inputs sent but not completed yet) at the end of the second. Also keeps every completion
 * time, to find the longest pause in output.
 */
public final class Timeline {

    private final long startEpochMs;
    private final long bucketMs;
    private long[] sent = new long[64];
    private long[] completed = new long[64];
    private long[] deadLetters = new long[64];
    private long[] maxLatencyMs = new long[64];
    private long[] completions = new long[1024];
    private int completionCount;
    private final Map<Integer, long[]> byPartition = new TreeMap<>();
    private final Map<Integer, Integer> byPartitionCount = new TreeMap<>();
    private int lastBucket = -1;

    public Timeline(long startEpochMs, long bucketMs) {
        if (bucketMs <= 0) {
            throw new IllegalArgumentException("bucketMs must be positive");
        }
        this.startEpochMs = startEpochMs;
        this.bucketMs = bucketMs;
    }

    public long startEpochMs() {
        return startEpochMs;
    }

    public long bucketMs() {
        return bucketMs;
    }

    public synchronized void sent(long epochMs) {
        // The bucket first: Java takes the array reference before evaluating the index, so
        // sent[bucket(t)]++ would count into the array bucket() has just outgrown.
        int b = bucket(epochMs);
        sent[b]++;
    }

    /**
     * A first sighting: the output record's timestamp, its latency, and the input partition it
     * was read from (-1 when unknown).
     */
    public synchronized void completed(long outputEpochMs, long latencyMs, boolean deadLetter, int inputPartition) {
        int b = bucket(outputEpochMs);
        completed[b]++;
        if (deadLetter) {
            deadLetters[b]++;
        }
        maxLatencyMs[b] = Math.max(maxLatencyMs[b], latencyMs);
        if (completionCount == completions.length) {
            completions = Arrays.copyOf(completions, completions.length * 2);
        }
        completions[completionCount++] = outputEpochMs;
        if (inputPartition >= 0) {
            int n = byPartitionCount.getOrDefault(inputPartition, 0);
            long[] times = byPartition.computeIfAbsent(inputPartition, p -> new long[256]);
            if (n == times.length) {
                times = Arrays.copyOf(times, n * 2);
                byPartition.put(inputPartition, times);
            }
            times[n] = outputEpochMs;
            byPartitionCount.put(inputPartition, n + 1);
        }
    }

    /** Completion times per input partition, each sorted. */
    public synchronized Map<Integer, long[]> completionTimesByPartition() {
        Map<Integer, long[]> sorted = new TreeMap<>();
        byPartition.forEach((p, times) -> {
            long[] copy = Arrays.copyOf(times, byPartitionCount.get(p));
            Arrays.sort(copy);
            sorted.put(p, copy);
        });
        return sorted;
    }

    private int bucket(long epochMs) {
        long b = Math.max(0, Math.floorDiv(epochMs - startEpochMs, bucketMs));
        if (b > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("timestamp far beyond the run: " + epochMs);
        }
        int i = (int) b;
        if (i >= sent.length) {
            int size = Math.max(sent.length * 2, i + 1);
            sent = Arrays.copyOf(sent, size);
            completed = Arrays.copyOf(completed, size);
            deadLetters = Arrays.copyOf(deadLetters, size);
            maxLatencyMs = Arrays.copyOf(maxLatencyMs, size);
        }
        lastBucket = Math.max(lastBucket, i);
        return i;
    }

    /** One row per bucket, from the start to the last bucket with anything in it. */
    public synchronized List<Bucket> buckets() {
        List<Bucket> rows = new ArrayList<>();
        long sentSoFar = 0;
        long completedSoFar = 0;
        double seconds = bucketMs / 1000.0;
        for (int i = 0; i <= lastBucket; i++) {
            sentSoFar += sent[i];
            completedSoFar += completed[i];
            rows.add(new Bucket(
                    i * seconds,
                    sent[i] / seconds,
                    completed[i] / seconds,
                    deadLetters[i] / seconds,
                    Math.max(0, sentSoFar - completedSoFar),
                    maxLatencyMs[i]));
        }
        return rows;
    }

    /** Completion times, sorted. */
    public synchronized long[] completionTimes() {
        long[] sorted = Arrays.copyOf(completions, completionCount);
        Arrays.sort(sorted);
        return sorted;
    }

    /**
     * One bucket: its start (seconds from the run's start), sent and completed per second, dead
     * letters per second, lag at its end, and the slowest output completed in it.
     */
    public record Bucket(
            double tSeconds,
            double sentPerSecond,
            double completedPerSecond,
            double deadLettersPerSecond,
            long lag,
            long maxLatencyMs) {}
}
