package io.featurex.loadtest.report;

import io.featurex.loadtest.verify.LatencyRecorder;
import io.featurex.loadtest.verify.Ledger;
import io.featurex.loadtest.verify.OutputGaps;
import io.featurex.loadtest.verify.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A report of a made-up 60-second run at 50/s (through the real ledger, latency and timeline
 * classes, without Kafka), with a pause when a worker joins at 20 s: for the JSON and HTML tests
 * and the rendering check.
 */
public final class SampleReport {

    private SampleReport() {}

    public static Report create() {
        long start = 1_767_225_600_000L;
        LatencyRecorder latency = new LatencyRecorder();
        Timeline timeline = new Timeline(start, 1000);
        Ledger ledger = new Ledger("sample-", latency, timeline);
        Random random = new Random(1);
        int n = 3000;
        for (int i = 0; i < n; i++) {
            long due = start + i * 20L;
            String id = "sample-" + i;
            ledger.expect(id, due);
            timeline.sent(due);
            long base = 80 + (long) (random.nextGaussian() * 15 + 15 * random.nextDouble());
            // A worker joins at 20 s: outputs stop for 1.8 s and then catch up.
            long out = due + Math.max(30, base);
            if (out >= start + 20_000 && out < start + 21_800) {
                out = start + 21_800 + (out - start - 20_000) / 4;
            }
            if (i == 1234) {
                continue; // lost
            }
            boolean dead = i % 97 == 0;
            ledger.observe(
                    id,
                    dead ? Ledger.Kind.DEAD_LETTER : Ledger.Kind.FEATURE,
                    dead ? "FILE_NOT_FOUND" : null,
                    "w" + (1 + i % 3),
                    out,
                    out + 12,
                    i % 6);
            if (i == 2000) {
                ledger.observe(id, Ledger.Kind.FEATURE, null, "w2", out + 500, out + 510);
            }
        }
        Ledger.Totals t = ledger.totals(100);
        OutputGaps gaps = new OutputGaps(timeline.completionTimes());
        Report.Summary summary = new Report.Summary(
                "FAIL",
                n,
                0,
                t.completed(),
                t.features(),
                t.deadLetters(),
                t.lost(),
                t.duplicated(),
                t.duplicateRecords(),
                t.unexpected(),
                t.foreign(),
                0,
                60,
                61.2,
                50,
                50,
                49.0,
                gaps.steadyThroughput(),
                1,
                3,
                gaps.medianGapMs(),
                1800,
                0);
        List<Report.Event> events = new ArrayList<>();
        OutputGaps.Gap gap = gaps.longestGap(start + 20_000, start + 50_000);
        events.add(new Report.Event(
                "baseline: before the first event", start + 3_000, 3, 17_000, 40, 5.1, 5.14, 160, 2, 7.3, 7.46, 130));
        events.add(new Report.Event(
                "worker w3 joins",
                start + 20_000,
                20,
                30_000,
                gap.lengthMs(),
                (gap.fromEpochMs() - start) / 1000.0,
                (gap.toEpochMs() - start) / 1000.0,
                1900,
                4,
                19.95,
                21.85,
                1889));
        return new Report(
                "featurex-loadtest",
                "test",
                "sample",
                "2026-01-01T00:00:00Z",
                start,
                "loadtest/run run --rate 50 --duration 60s --generate 16 <sample & \"escaping\">",
                new Report.Setup(
                        "127.0.0.1:9092", "in", "out", "dead", "fixed-rate", 50, -1, 60, "16 generated", 16, false, 97),
                List.of("SAMPLE DATA: made up to test the report, not measured."),
                new Report.Definitions("latency definition", "seen definition", "schedule", "throughput", "pause"),
                summary,
                new Report.Latency(latency.outputStats(), latency.seenStats()),
                latency.curve(),
                t.deadLettersByCode(),
                t.byWorker(),
                t.lostIds(),
                t.duplicatedIds(),
                timeline.buckets(),
                events);
    }

    static Map<String, Object> asMap(String json) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = ReportJson.mapper().readValue(json, Map.class);
        return map;
    }
}
