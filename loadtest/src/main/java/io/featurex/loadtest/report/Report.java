package io.featurex.loadtest.report;

import io.featurex.loadtest.verify.LatencyRecorder;
import io.featurex.loadtest.verify.Timeline;
import java.util.List;
import java.util.Map;

/**
 * Everything one load test run found, as written to {@code report.json} (snake_case keys) and
 * drawn in {@code report.html}. Latencies are in milliseconds, rates in records per second,
 * times in seconds from the start of the run unless a name says otherwise.
 */
public record Report(
        String tool,
        String version,
        String runId,
        String startedAt,
        long startEpochMs,
        String command,
        Setup setup,
        List<String> notes,
        Definitions definitions,
        Summary summary,
        Latency latencyMs,
        List<LatencyRecorder.CurvePoint> latencyCurve,
        Map<String, Long> deadLettersByCode,
        Map<String, Long> outputsByWorker,
        List<String> lostIds,
        Map<String, Integer> duplicatedIds,
        List<Timeline.Bucket> timeline,
        List<Event> events) {

    /** What was asked for. {@code mode}: "fixed-rate" (open loop) or "as-fast-as-possible". */
    public record Setup(
            String bootstrapServers,
            String inputTopic,
            String outputTopic,
            String deadLetterTopic,
            String mode,
            double ratePerSecond,
            long count,
            double durationSeconds,
            String images,
            int imageCount,
            boolean inline,
            int badEvery) {}

    /** The words that say what the numbers mean, carried with them. */
    public record Definitions(String latency, String latencySeen, String schedule, String throughput, String pause) {}

    /**
     * The verdict ("PASS": every id exactly once, nothing unexpected, every send acknowledged)
     * and the counts and rates behind it.
     */
    public record Summary(
            String verdict,
            long sent,
            long sendFailures,
            long completed,
            long features,
            long deadLetters,
            long lost,
            long duplicated,
            long duplicateRecords,
            long unexpected,
            long otherRunsOutputs,
            long malformedOutputs,
            double sendSeconds,
            double runSeconds,
            double offeredRate,
            double achievedSendRate,
            double throughputMean,
            double throughputSteady,
            long sendBehindP99Ms,
            long sendBehindMaxMs,
            long medianOutputGapMs,
            long longestOutputGapMs,
            long negativeLatencies) {}

    /** Latency summaries: to the output record's timestamp, and to the verifier seeing it. */
    public record Latency(LatencyRecorder.Stats output, LatencyRecorder.Stats seen) {}

    /**
     * Something that happened during the run (a worker joined or left) and what followed within
     * {@code windowMs}: the longest pause in all output ({@code pauseMs}, from/to), the longest
     * pause on any one input partition ({@code partitionPauseMs}: partitions moving between
     * workers stall while the others go on), and the slowest output. The "baseline" row measures
     * the same before the first event.
     */
    public record Event(
            String label,
            long epochMs,
            double tSeconds,
            long windowMs,
            long pauseMs,
            double pauseFromSeconds,
            double pauseToSeconds,
            long partitionPauseMs,
            int partition,
            double partitionPauseFromSeconds,
            double partitionPauseToSeconds,
            long maxLatencyMs) {}
}
