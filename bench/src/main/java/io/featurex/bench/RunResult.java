package io.featurex.bench;

import java.util.Optional;

/**
 * One wave of one worker through the real broker.
 *
 * @param timeline      when its outputs appeared
 * @param deadLetters   inputs that became dead letters (should be 0)
 * @param foreignCores  cores other processes used meanwhile ({@link HostLoad})
 * @param cpu           cores the worker, the broker and the bench itself (producer, reader) used meanwhile
 * @param stages        where featurex spent the wave's time, from its /metrics before and after
 * @param metrics       featurex's /metrics right after the wave
 * @param session       what the worker's whole session left (memory, metrics, vectors), once it is finished
 * @param failure       why the wave did not finish, if it did not
 */
record RunResult(
        String label,
        String set,
        int expected,
        OutputTimeline timeline,
        int deadLetters,
        double foreignCores,
        CpuSplit cpu,
        Optional<StageBreakdown> stages,
        Optional<PrometheusText> metrics,
        Optional<WorkerSession.Summary> session,
        Optional<String> failure) {

    /** Average cores used during a wave, by process. */
    record CpuSplit(double worker, double broker, double bench) {
        static final CpuSplit UNKNOWN = new CpuSplit(Double.NaN, Double.NaN, Double.NaN);
    }

    boolean complete() {
        return failure.isEmpty() && timeline.count() == expected;
    }

    double steadyRate() {
        return complete() ? timeline.steadyRate() : Double.NaN;
    }

    long peakRssBytes() {
        return session.map(WorkerSession.Summary::peakRssBytes).orElse(-1L);
    }

    RunResult withSession(WorkerSession.Summary summary) {
        return new RunResult(
                label,
                set,
                expected,
                timeline,
                deadLetters,
                foreignCores,
                cpu,
                stages,
                metrics,
                Optional.of(summary),
                failure);
    }
}
