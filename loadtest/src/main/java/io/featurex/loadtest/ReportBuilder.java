package io.featurex.loadtest;

import io.featurex.loadtest.load.RunClock;
import io.featurex.loadtest.load.Sender;
import io.featurex.loadtest.report.Report;
import io.featurex.loadtest.verify.LatencyRecorder;
import io.featurex.loadtest.verify.Ledger;
import io.featurex.loadtest.verify.OutputGaps;
import io.featurex.loadtest.verify.Timeline;
import io.featurex.loadtest.verify.Verifier;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run measured, made into its report: the verdict and rates, the pauses after each
 * join/leave event, and the definitions that say how each number was taken.
 */
final class ReportBuilder {

    static final String TOOL = "featurex-loadtest";
    static final int MAX_IDS_LISTED = 100;

    private final LoadTestConfig config;

    ReportBuilder(LoadTestConfig config) {
        this.config = config;
    }

    Report build(
            RunClock clock,
            Timeline timeline,
            LatencyRecorder latency,
            Ledger ledger,
            Sender sender,
            Verifier verifier,
            long sendEndNanos,
            long endNanos)
            throws IOException {
        Ledger.Totals totals = ledger.totals(MAX_IDS_LISTED);
        OutputGaps gaps = new OutputGaps(timeline.completionTimes());
        long[] completions = timeline.completionTimes();
        double sendSeconds = (sendEndNanos - clock.startNanos()) / 1e9;
        double runSeconds = (endNanos - clock.startNanos()) / 1e9;
        double lastCompletionSeconds =
                completions.length == 0 ? 0 : (completions[completions.length - 1] - clock.startEpochMillis()) / 1000.0;
        OutputGaps.Gap longest = completions.length < 2
                ? new OutputGaps.Gap(0, 0, 0)
                : gaps.longestGap(completions[0], completions[completions.length - 1]);
        boolean pass = totals.lost() == 0
                && totals.duplicated() == 0
                && totals.unexpected() == 0
                && sender.failed() == 0
                && sender.crash() == null
                && totals.sent() > 0;
        Report.Summary summary = new Report.Summary(
                pass ? "PASS" : "FAIL",
                sender.sent(),
                sender.failed(),
                totals.completed(),
                totals.features(),
                totals.deadLetters(),
                totals.lost(),
                totals.duplicated(),
                totals.duplicateRecords(),
                totals.unexpected(),
                totals.foreign(),
                verifier.malformed(),
                round(sendSeconds, 3),
                round(runSeconds, 3),
                config.schedule().isOpenLoop() ? config.schedule().perSecond() : 0,
                round(sendSeconds > 0 ? sender.sent() / sendSeconds : 0, 2),
                round(lastCompletionSeconds > 0 ? totals.completed() / lastCompletionSeconds : 0, 2),
                round(finite(gaps.steadyThroughput()), 2),
                sender.p99BehindMs(),
                sender.maxBehindMs(),
                gaps.medianGapMs(),
                longest.lengthMs(),
                latency.clampedNegative());

        List<Report.Event> events = new ArrayList<>();
        List<EventsFile.Event> happened = EventsFile.read(config.eventsFile());
        long window = config.pauseWindow().toMillis();
        if (!happened.isEmpty() && completions.length > 0) {
            // The same measures before anything happened, from 3 s in (after the start-up ramp).
            long from = clock.startEpochMillis() + 3_000;
            long to = Math.min(happened.get(0).epochMs(), from + window);
            if (to - from >= 3_000) {
                events.add(event("baseline: before the first event", from, to, gaps, timeline, clock));
            }
        }
        for (EventsFile.Event e : happened) {
            events.add(event(e.label(), e.epochMs(), e.epochMs() + window, gaps, timeline, clock));
        }

        Report.Setup setup = new Report.Setup(
                config.bootstrapServers(),
                config.inputTopic(),
                config.outputTopic(),
                config.deadLetterTopic(),
                config.schedule().isOpenLoop() ? "fixed-rate" : "as-fast-as-possible",
                config.schedule().perSecond(),
                config.count(),
                config.duration() == null ? 0 : config.duration().toMillis() / 1000.0,
                config.imagesDescription(),
                config.images().size(),
                config.inline(),
                config.badEvery());
        return new Report(
                TOOL,
                LoadTest.version(),
                config.runId(),
                Instant.ofEpochMilli(clock.startEpochMillis()).toString(),
                clock.startEpochMillis(),
                config.command(),
                setup,
                config.notes(),
                definitions(),
                summary,
                new Report.Latency(latency.outputStats(), latency.seenStats()),
                latency.curve(),
                totals.deadLettersByCode(),
                totals.byWorker(),
                totals.lostIds(),
                totals.duplicatedIds(),
                timeline.buckets(),
                events);
    }

    private static Report.Event event(
            String label, long from, long to, OutputGaps all, Timeline timeline, RunClock clock) {
        OutputGaps.Gap gap = all.longestGap(from, to);
        OutputGaps.Gap partitionGap = new OutputGaps.Gap(from, from, 0);
        int partition = -1;
        for (var e : timeline.completionTimesByPartition().entrySet()) {
            if (e.getValue().length == 0) {
                continue;
            }
            OutputGaps.Gap g = new OutputGaps(e.getValue()).longestGap(from, to);
            if (g.lengthMs() > partitionGap.lengthMs()) {
                partitionGap = g;
                partition = e.getKey();
            }
        }
        long maxLatency = 0;
        for (Timeline.Bucket b : timeline.buckets()) {
            long bucketStart = clock.startEpochMillis() + Math.round(b.tSeconds() * 1000);
            if (bucketStart + timeline.bucketMs() > from && bucketStart < to) {
                maxLatency = Math.max(maxLatency, b.maxLatencyMs());
            }
        }
        return new Report.Event(
                label,
                from,
                seconds(from, clock),
                to - from,
                gap.lengthMs(),
                seconds(gap.fromEpochMs(), clock),
                seconds(gap.toEpochMs(), clock),
                partitionGap.lengthMs(),
                partition,
                seconds(partitionGap.fromEpochMs(), clock),
                seconds(partitionGap.toEpochMs(), clock),
                maxLatency);
    }

    private Report.Definitions definitions() {
        boolean open = config.schedule().isOpenLoop();
        return new Report.Definitions(
                "Latency: the output record's Kafka timestamp (CreateTime, stamped by the worker's producer when it "
                        + "sends the feature or dead letter inside its transaction, just before the commit) minus the "
                        + "input record's timestamp, which the load test sets to the send's "
                        + (open
                                ? "scheduled time (corrected for coordinated omission: a late send still counts from "
                                        + "when it was due)."
                                : "actual send time (as fast as possible: there is no schedule)."),
                "Seen: when this tool's read_committed consumer received the output (after the commit) minus the same "
                        + "start time; it includes the commit and the consumer's fetch. One host's clock for both ends.",
                open
                        ? "Open loop at " + config.schedule().perSecond() + " refs/s: send i is due at start + i/rate "
                                + "whatever the system does; the schedule never waits for it."
                        : "As fast as possible: each send follows the previous one (the producer's own buffering "
                                + "and back-pressure set the pace).",
                "Per-second throughput counts each id's first output by its output timestamp. Steady throughput: "
                        + "completions between the 10th and 90th percentile completion, divided by the time "
                        + "between them (leaves out the start-up ramp and the drain).",
                "Pause: the longest time between two consecutive outputs ending within the window after the "
                        + "event, counted from the last output before it: over all outputs, and on any one input "
                        + "partition (from FeatureVector.source / DeadLetter.source), which shows partitions that "
                        + "stall while they move between workers even when the others keep the output flowing.");
    }

    private static double seconds(long epochMs, RunClock clock) {
        return round((epochMs - clock.startEpochMillis()) / 1000.0, 3);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
