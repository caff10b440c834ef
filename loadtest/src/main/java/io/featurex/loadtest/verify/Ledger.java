package io.featurex.loadtest.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The id matcher: every id the load test sent, and every time it came out again, as a feature or
 * as a dead letter. An id seen once is complete; never seen is lost; seen more than once (on
 * either topic) is duplicated. The first sighting gives its latency; later ones only count.
 *
 * <p>Ids are registered before their record is sent, so an output can never arrive for an id
 * the ledger does not know yet. Outputs of other runs (another id prefix) are counted and ignored.
 */
public final class Ledger {

    /** What came out for an id. */
    public enum Kind {
        FEATURE,
        DEAD_LETTER
    }

    private final String idPrefix;
    private final LatencyRecorder latency;
    private final Timeline timeline;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Long> deadLettersByCode = new TreeMap<>();
    private final Map<String, Long> byWorker = new TreeMap<>();
    private long completed;
    private long features;
    private long deadLetters;
    private long duplicateRecords;
    private long unexpected;
    private long foreign;

    public Ledger(String idPrefix, LatencyRecorder latency, Timeline timeline) {
        this.idPrefix = idPrefix;
        this.latency = latency;
        this.timeline = timeline;
    }

    /** Registers an id about to be sent with its input record timestamp (its scheduled send time). */
    public synchronized void expect(String id, long inputTimestampMs) {
        if (entries.putIfAbsent(id, new Entry(inputTimestampMs)) != null) {
            throw new IllegalArgumentException("id sent twice by the load test itself: " + id);
        }
    }

    /** Forgets an id whose send failed: it was never on the input topic. */
    public synchronized void forget(String id) {
        entries.remove(id);
    }

    /**
     * One output record, read with read_committed.
     *
     * @param outputTimestampMs the output record's timestamp
     * @param seenEpochMs       when this verifier received it
     * @param code              the dead letter's error code (null for features)
     */
    public synchronized void observe(
            String id, Kind kind, String code, String workerId, long outputTimestampMs, long seenEpochMs) {
        observe(id, kind, code, workerId, outputTimestampMs, seenEpochMs, -1);
    }

    /** As above, with the input partition the output says it was read from (-1 when unknown). */
    public synchronized void observe(
            String id,
            Kind kind,
            String code,
            String workerId,
            long outputTimestampMs,
            long seenEpochMs,
            int inputPartition) {
        Entry entry = entries.get(id);
        if (entry == null) {
            if (id.startsWith(idPrefix)) {
                unexpected++;
            } else {
                foreign++;
            }
            return;
        }
        entry.sightings++;
        if (entry.sightings > 1) {
            duplicateRecords++;
            return;
        }
        completed++;
        if (kind == Kind.FEATURE) {
            features++;
        } else {
            deadLetters++;
            deadLettersByCode.merge(code == null ? "UNKNOWN" : code, 1L, Long::sum);
        }
        byWorker.merge(workerId == null || workerId.isEmpty() ? "(unknown)" : workerId, 1L, Long::sum);
        long outputLatency = outputTimestampMs - entry.inputTimestampMs;
        latency.record(outputLatency, seenEpochMs - entry.inputTimestampMs);
        timeline.completed(outputTimestampMs, Math.max(0, outputLatency), kind == Kind.DEAD_LETTER, inputPartition);
    }

    /** Sent ids not complete yet. */
    public synchronized long outstanding() {
        return entries.size() - completed;
    }

    public synchronized long completed() {
        return completed;
    }

    public synchronized long sent() {
        return entries.size();
    }

    public synchronized long deadLetters() {
        return deadLetters;
    }

    public synchronized long duplicateRecords() {
        return duplicateRecords;
    }

    /** Everything counted so far; ids listed up to {@code maxIds} of each kind, in id order. */
    public synchronized Totals totals(int maxIds) {
        List<String> lost = new ArrayList<>();
        Map<String, Integer> duplicated = new TreeMap<>();
        long lostCount = 0;
        long duplicatedCount = 0;
        for (Map.Entry<String, Entry> e : new TreeMap<>(entries).entrySet()) {
            int sightings = e.getValue().sightings;
            if (sightings == 0) {
                lostCount++;
                if (lost.size() < maxIds) {
                    lost.add(e.getKey());
                }
            } else if (sightings > 1) {
                duplicatedCount++;
                if (duplicated.size() < maxIds) {
                    duplicated.put(e.getKey(), sightings);
                }
            }
        }
        return new Totals(
                entries.size(),
                completed,
                features,
                deadLetters,
                lostCount,
                duplicatedCount,
                duplicateRecords,
                unexpected,
                foreign,
                new TreeMap<>(deadLettersByCode),
                new TreeMap<>(byWorker),
                List.copyOf(lost),
                duplicated);
    }

    /**
     * The verdict's numbers. {@code lost}: sent, never seen. {@code duplicated}: ids seen more
     * than once; {@code duplicateRecords}: the extra copies. {@code unexpected}: outputs with this
     * run's id prefix that it never sent; {@code foreign}: other runs' outputs, ignored.
     */
    public record Totals(
            long sent,
            long completed,
            long features,
            long deadLetters,
            long lost,
            long duplicated,
            long duplicateRecords,
            long unexpected,
            long foreign,
            Map<String, Long> deadLettersByCode,
            Map<String, Long> byWorker,
            List<String> lostIds,
            Map<String, Integer> duplicatedIds) {}

    private static final class Entry {
        final long inputTimestampMs;
        int sightings;

        Entry(long inputTimestampMs) {
            this.inputTimestampMs = inputTimestampMs;
        }
    }
}
