package io.featurex.worker.bench;

import java.util.Map;
import java.util.Optional;

/**
 * One worker run through the real broker.
 *
 * @param timeline      when its outputs appeared
 * @param deadLetters   inputs that became dead letters (should be 0)
 * @param peakRssBytes  the worker process's VmHWM at the end; -1 unknown
 * @param vectors       the first feature vector of each source URI, to check that peers computed the same
 * @param metrics       the worker's /metrics at the end, for featurex
 * @param foreignCores  cores other processes used while the outputs were awaited ({@link HostLoad})
 * @param failure       why the run did not finish, if it did not
 */
record RunResult(
        String label,
        String set,
        int expected,
        OutputTimeline timeline,
        int deadLetters,
        long peakRssBytes,
        Map<String, float[]> vectors,
        Optional<PrometheusText> metrics,
        double foreignCores,
        Optional<String> failure) {

    boolean complete() {
        return failure.isEmpty() && timeline.count() == expected;
    }

    double steadyRate() {
        return complete() ? timeline.steadyRate() : Double.NaN;
    }
}
