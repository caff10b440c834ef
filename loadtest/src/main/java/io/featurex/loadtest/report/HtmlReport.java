package io.featurex.loadtest.report;

import io.featurex.loadtest.verify.LatencyRecorder;
import io.featurex.loadtest.verify.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: inline CSS and SVG charts, no script and nothing
 * fetched, so it opens from disk (or an e-mail attachment, or a CI artifact) anywhere.
 */
public final class HtmlReport {

    static final String STYLE = """
            :root { color-scheme: light; }
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: #1f2937; background: #f3f4f6; margin: 0; }
            main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 16px; margin: 28px 0 10px; }
            .sub { color: #6b7280; margin: 0 0 16px; }
            .verdict { display: inline-block; padding: 2px 12px; border-radius: 999px; font-weight: 700;
                       color: #fff; margin-left: 10px; font-size: 14px; vertical-align: 3px; }
            .pass { background: #16a34a; } .fail { background: #dc2626; }
            .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
            .card { background: #fff; border-radius: 8px; padding: 10px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
            .card .v { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
            .card .k { color: #6b7280; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
            .card.bad .v { color: #dc2626; } .card.good .v { color: #16a34a; }
            .panel { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08);
                     margin-bottom: 14px; }
            .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
            .chart { width: 100%; height: auto; display: block; }
            .chart .plot { fill: #fcfcfd; stroke: #e5e7eb; }
            .chart .grid { stroke: #e5e7eb; stroke-width: 1; }
            .chart .tick { font-size: 11px; fill: #6b7280; }
            .chart .axis { font-size: 12px; fill: #374151; }
            .chart .legend { font-size: 12px; fill: #374151; }
            .chart .marker { stroke: #6b7280; stroke-dasharray: 4 3; }
            .chart .marker-label { font-size: 11px; fill: #374151; }
            table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
            th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #e5e7eb; }
            th { color: #6b7280; font-weight: 600; font-size: 12px; }
            td.n, th.n { text-align: right; }
            .note { background: #fffbeb; border: 1px solid #fcd34d; border-radius: 8px; padding: 8px 14px; margin: 0 0 14px; }
            code, pre { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
            pre { background: #111827; color: #e5e7eb; padding: 10px 12px; border-radius: 6px; white-space: pre-wrap;
                  word-break: break-all; margin: 0; }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
            dt { color: #6b7280; } dd { margin: 0; }
            """;

    private HtmlReport() {}

    public static void write(Report report, Path file) throws IOException {
        Files.writeString(file, render(report));
    }

    public static String render(Report r) {
        Report.Summary s = r.summary();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>featurex load test ")
                .append(Html.escape(r.runId()))
                .append(" — ")
                .append(Html.escape(s.verdict()))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body><main>\n");

        boolean pass = "PASS".equals(s.verdict());
        h.append("<h1>featurex load test<span class=\"verdict ")
                .append(pass ? "pass" : "fail")
                .append("\">")
                .append(Html.escape(s.verdict()))
                .append("</span></h1>\n");
        Report.Setup setup = r.setup();
        String load = "fixed-rate".equals(setup.mode())
                ? fmt(setup.ratePerSecond()) + " refs/s, open loop"
                : "as fast as possible";
        h.append("<p class=\"sub\">run <code>")
                .append(Html.escape(r.runId()))
                .append("</code> · started ")
                .append(Html.escape(r.startedAt()))
                .append(" · ")
                .append(load)
                .append(" · ")
                .append(s.sent())
                .append(" sent in ")
                .append(fmt(s.sendSeconds()))
                .append(" s</p>\n");
        for (String note : r.notes()) {
            h.append("<div class=\"note\">").append(Html.escape(note)).append("</div>\n");
        }

        LatencyRecorder.Stats out = r.latencyMs().output();
        h.append("<div class=\"cards\">");
        card(h, "sent", Long.toString(s.sent()), "");
        card(
                h,
                "completed",
                Long.toString(s.completed()),
                s.completed() == s.sent() - s.sendFailures() ? "good" : "bad");
        card(h, "lost", Long.toString(s.lost()), s.lost() == 0 ? "good" : "bad");
        card(h, "duplicated", Long.toString(s.duplicated()), s.duplicated() == 0 ? "good" : "bad");
        card(h, "dead letters", Long.toString(s.deadLetters()), "");
        card(h, "steady throughput", fmt(s.throughputSteady()) + "/s", "");
        card(h, "latency p50", ms(out.p50()), "");
        card(h, "latency p99", ms(out.p99()), "");
        card(h, "latency p99.9", ms(out.p999()), "");
        card(h, "latency max", ms(out.max()), "");
        h.append("</div>\n");

        List<Timeline.Bucket> tl = r.timeline();
        double[] t = tl.stream().mapToDouble(Timeline.Bucket::tSeconds).toArray();
        SvgChart throughput = new SvgChart(1060, 300, "Throughput over time", "seconds since start", "records / s")
                .series(
                        "sent",
                        t,
                        tl.stream().mapToDouble(Timeline.Bucket::sentPerSecond).toArray(),
                        false,
                        false)
                .series(
                        "completed (features + dead letters)",
                        t,
                        tl.stream()
                                .mapToDouble(Timeline.Bucket::completedPerSecond)
                                .toArray(),
                        true,
                        false)
                .series(
                        "dead letters",
                        t,
                        tl.stream()
                                .mapToDouble(Timeline.Bucket::deadLettersPerSecond)
                                .toArray(),
                        false,
                        false);
        SvgChart lag = new SvgChart(520, 260, "Lag over time", "seconds since start", "records sent, not completed")
                .series("lag", t, tl.stream().mapToDouble(b -> b.lag()).toArray(), true, false);
        SvgChart slowest = new SvgChart(520, 260, "Slowest output per second", "seconds since start", "latency (ms)")
                .series(
                        "max latency",
                        t,
                        tl.stream().mapToDouble(b -> b.maxLatencyMs()).toArray(),
                        true,
                        false);
        for (Report.Event e : r.events()) {
            if (e.label().startsWith("baseline")) {
                continue;
            }
            throughput.marker(e.tSeconds(), e.label());
            lag.marker(e.tSeconds(), e.label());
            slowest.marker(e.tSeconds(), e.label());
        }
        h.append("<h2>Throughput and lag</h2>\n<div class=\"panel\">")
                .append(throughput.render())
                .append("</div>\n");
        h.append("<div class=\"grid2\"><div class=\"panel\">")
                .append(lag.render())
                .append("</div><div class=\"panel\">")
                .append(slowest.render())
                .append("</div></div>\n");

        h.append("<h2>End-to-end latency</h2>\n<div class=\"grid2\"><div class=\"panel\">")
                .append(percentileChart(r.latencyCurve()))
                .append("</div><div class=\"panel\">");
        h.append(
                "<table><tr><th></th><th class=\"n\">to output timestamp</th><th class=\"n\">to seen by verifier</th></tr>");
        LatencyRecorder.Stats seen = r.latencyMs().seen();
        row(h, "p50", out.p50(), seen.p50());
        row(h, "p90", out.p90(), seen.p90());
        row(h, "p99", out.p99(), seen.p99());
        row(h, "p99.9", out.p999(), seen.p999());
        row(h, "max", out.max(), seen.max());
        h.append("<tr><td>mean</td><td class=\"n\">")
                .append(fmt(out.mean()))
                .append(" ms</td><td class=\"n\">")
                .append(fmt(seen.mean()))
                .append(" ms</td></tr>");
        h.append("<tr><td>count</td><td class=\"n\">")
                .append(out.count())
                .append("</td><td class=\"n\">")
                .append(seen.count())
                .append("</td></tr></table>");
        h.append("<p class=\"sub\" style=\"margin-top:10px\">")
                .append(Html.escape(r.definitions().latency()))
                .append(" ")
                .append(Html.escape(r.definitions().latencySeen()))
                .append("</p></div></div>\n");

        if (!r.events().isEmpty()) {
            h.append("<h2>Pauses when workers join or leave</h2>\n<div class=\"panel\"><table><tr><th>event</th>")
                    .append(
                            "<th class=\"n\">at (s)</th><th class=\"n\">window</th><th class=\"n\">longest pause, all output</th>")
                    .append(
                            "<th class=\"n\">longest pause, one partition</th><th class=\"n\">slowest output</th></tr>");
            for (Report.Event e : r.events()) {
                h.append("<tr><td>")
                        .append(Html.escape(e.label()))
                        .append("</td><td class=\"n\">")
                        .append(fmt(e.tSeconds()))
                        .append("</td><td class=\"n\">")
                        .append(fmt(e.windowMs() / 1000.0))
                        .append(" s</td><td class=\"n\"><b>")
                        .append(ms(e.pauseMs()))
                        .append("</b> (")
                        .append(fmt1(e.pauseFromSeconds()))
                        .append("–")
                        .append(fmt1(e.pauseToSeconds()))
                        .append(" s)</td><td class=\"n\"><b>")
                        .append(ms(e.partitionPauseMs()))
                        .append("</b>")
                        .append(
                                e.partition() >= 0
                                        ? " (partition " + e.partition() + ", " + fmt1(e.partitionPauseFromSeconds())
                                                + "–" + fmt1(e.partitionPauseToSeconds()) + " s)"
                                        : "")
                        .append("</td><td class=\"n\">")
                        .append(ms(e.maxLatencyMs()))
                        .append("</td></tr>");
            }
            h.append("</table><p class=\"sub\" style=\"margin:8px 0 0\">")
                    .append(Html.escape(r.definitions().pause()))
                    .append(" Median time between outputs over the run: ")
                    .append(ms(s.medianOutputGapMs()))
                    .append(".</p></div>\n");
        }

        h.append("<h2>Outputs</h2>\n<div class=\"grid2\"><div class=\"panel\">");
        countTable(h, "dead letters by code", r.deadLettersByCode(), "none");
        h.append("</div><div class=\"panel\">");
        countTable(h, "outputs by worker", r.outputsByWorker(), "none");
        h.append("</div></div>\n");
        if (!r.lostIds().isEmpty() || !r.duplicatedIds().isEmpty()) {
            h.append("<div class=\"panel\"><dl>");
            if (!r.lostIds().isEmpty()) {
                h.append("<dt>lost ids (")
                        .append(s.lost())
                        .append(")</dt><dd><code>")
                        .append(Html.escape(String.join(", ", r.lostIds())))
                        .append("</code></dd>");
            }
            if (!r.duplicatedIds().isEmpty()) {
                StringBuilder d = new StringBuilder();
                r.duplicatedIds()
                        .forEach((id, n) -> d.append(d.length() == 0 ? "" : ", ")
                                .append(id)
                                .append(" ×")
                                .append(n));
                h.append("<dt>duplicated ids (")
                        .append(s.duplicated())
                        .append(")</dt><dd><code>")
                        .append(Html.escape(d.toString()))
                        .append("</code></dd>");
            }
            h.append("</dl></div>\n");
        }

        h.append("<h2>Run</h2>\n<div class=\"panel\"><dl>");
        dl(h, "command", null);
        h.append("<pre>").append(Html.escape(r.command())).append("</pre></dd>");
        dl(
                h,
                "Kafka",
                setup.bootstrapServers() + " · in " + setup.inputTopic() + " → out " + setup.outputTopic()
                        + ", dead letters " + setup.deadLetterTopic());
        dl(
                h,
                "images",
                setup.images() + " (" + setup.imageCount() + (setup.inline() ? ", inline bytes" : ", file: URIs")
                        + (setup.badEvery() > 0 ? ", every " + setup.badEvery() + "th a missing file" : "") + ")");
        dl(h, "schedule", r.definitions().schedule());
        dl(h, "throughput", r.definitions().throughput());
        dl(h, "sends behind schedule", "p99 " + ms(s.sendBehindP99Ms()) + ", max " + ms(s.sendBehindMaxMs()));
        dl(
                h,
                "send / run time",
                fmt(s.sendSeconds()) + " s / " + fmt(s.runSeconds()) + " s; mean throughput "
                        + fmt(s.throughputMean()) + "/s; offered " + fmt(s.offeredRate()) + "/s, achieved send rate "
                        + fmt(s.achievedSendRate()) + "/s");
        dl(
                h,
                "other counts",
                "send failures " + s.sendFailures() + ", duplicate records " + s.duplicateRecords()
                        + ", unexpected ids " + s.unexpected() + ", other runs' outputs skipped " + s.otherRunsOutputs()
                        + ", malformed outputs " + s.malformedOutputs() + ", negative latencies "
                        + s.negativeLatencies());
        dl(h, "tool", r.tool() + " " + r.version() + " · report.json holds every number on this page");
        h.append("</dl></div>\n</main></body></html>\n");
        return h.toString();
    }

    static String percentileChart(List<LatencyRecorder.CurvePoint> curve) {
        int n = curve.size();
        double[] xs = new double[n];
        double[] output = new double[n];
        double[] seen = new double[n];
        double lastFinite = 0;
        for (int i = 0; i < n; i++) {
            LatencyRecorder.CurvePoint p = curve.get(i);
            xs[i] = p.percentile() >= 100 ? lastFinite + 0.25 : nines(p.percentile());
            if (p.percentile() < 100) {
                lastFinite = xs[i];
            }
            output[i] = p.outputMs();
            seen[i] = p.seenMs();
        }
        double maxX = n == 0 ? 3 : Math.max(1, xs[n - 1]);
        final double maxAt = n == 0 ? -1 : xs[n - 1];
        return new SvgChart(520, 300, "Latency by percentile", "percentile (max at the right end)", "latency (ms)")
                .xRange(0, maxX)
                .xTicks(new double[] {0, 1, 2, 3, 4, 5, maxAt}, x -> x == maxAt ? "max" : label(x))
                .series("to output timestamp", xs, output, false, true)
                .series("to seen by verifier", xs, seen, false, true)
                .render();
    }

    private static double nines(double percentile) {
        return -Math.log10(1 - percentile / 100);
    }

    private static String label(double nines) {
        double p = 100 * (1 - Math.pow(10, -nines));
        if (p == Math.rint(p)) {
            return String.format(Locale.ROOT, "%.0f%%", p);
        }
        String s = String.format(Locale.ROOT, "%.4f", p).replaceAll("0+$", "");
        return s + "%";
    }

    private static void card(StringBuilder h, String key, String value, String cls) {
        h.append("<div class=\"card ")
                .append(cls)
                .append("\"><div class=\"v\">")
                .append(Html.escape(value))
                .append("</div><div class=\"k\">")
                .append(Html.escape(key))
                .append("</div></div>");
    }

    private static void row(StringBuilder h, String name, long a, long b) {
        h.append("<tr><td>")
                .append(name)
                .append("</td><td class=\"n\">")
                .append(ms(a))
                .append("</td><td class=\"n\">")
                .append(ms(b))
                .append("</td></tr>");
    }

    private static void countTable(StringBuilder h, String title, Map<String, Long> counts, String empty) {
        h.append("<table><tr><th>").append(Html.escape(title)).append("</th><th class=\"n\">count</th></tr>");
        if (counts.isEmpty()) {
            h.append("<tr><td>").append(empty).append("</td><td></td></tr>");
        }
        counts.forEach((k, v) -> h.append("<tr><td><code>")
                .append(Html.escape(k))
                .append("</code></td><td class=\"n\">")
                .append(v)
                .append("</td></tr>"));
        h.append("</table>");
    }

    private static void dl(StringBuilder h, String term, String value) {
        h.append("<dt>").append(Html.escape(term)).append("</dt><dd>");
        if (value != null) {
            h.append(Html.escape(value)).append("</dd>");
        }
    }

    static String ms(long ms) {
        if (ms >= 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return ms + " ms";
    }

    static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.1f", v);
    }
}
