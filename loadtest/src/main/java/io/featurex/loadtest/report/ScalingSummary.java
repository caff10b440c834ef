package io.featurex.loadtest.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The horizontal scaling result: one load test report per worker count (same load each), plus
 * optionally a run during which workers joined and left. Throughput per worker count, speed-up
 * and scaling efficiency (throughput(n) / (n x throughput(1))), latency, lost and duplicated ids,
 * and the pause in output at each join or leave. Written as Markdown, JSON and HTML.
 */
public final class ScalingSummary {

    private ScalingSummary() {}

    /** One worker count's row. */
    public record Row(
            int workers,
            String runId,
            String verdict,
            long sent,
            double throughputSteady,
            double speedUp,
            double efficiency,
            long p50Ms,
            long p99Ms,
            long p999Ms,
            long maxMs,
            long lost,
            long duplicated,
            long deadLetters,
            Map<String, Long> outputsByWorker) {}

    /** A join or leave, and the pause it caused. */
    public record Pause(
            String runId,
            String event,
            double atSeconds,
            long pauseMs,
            long partitionPauseMs,
            long maxLatencyMs,
            long lost,
            long duplicated) {}

    /** The whole summary, as scaling.json holds it. */
    public record Summary(
            List<String> notes, String command, List<Row> rows, List<Pause> pauses, boolean zeroLostOrDuplicated) {}

    public static Summary summarize(
            Map<Integer, Report> byWorkers, List<Report> eventRuns, List<String> notes, String command) {
        Map<Integer, Report> sorted = new TreeMap<>(byWorkers);
        List<Row> rows = new ArrayList<>();
        Double base = null;
        Integer baseWorkers = null;
        boolean clean = true;
        for (Map.Entry<Integer, Report> e : sorted.entrySet()) {
            Report r = e.getValue();
            Report.Summary s = r.summary();
            double t = s.throughputSteady();
            if (base == null) {
                base = t / e.getKey();
                baseWorkers = e.getKey();
            }
            double speedUp = base > 0 ? t / (base * baseWorkers) : 0;
            double efficiency = base > 0 ? t / (base * e.getKey()) : 0;
            rows.add(new Row(
                    e.getKey(),
                    r.runId(),
                    s.verdict(),
                    s.sent(),
                    t,
                    round(speedUp),
                    round(efficiency),
                    r.latencyMs().output().p50(),
                    r.latencyMs().output().p99(),
                    r.latencyMs().output().p999(),
                    r.latencyMs().output().max(),
                    s.lost(),
                    s.duplicated(),
                    s.deadLetters(),
                    r.outputsByWorker()));
            clean &= s.lost() == 0 && s.duplicated() == 0 && s.unexpected() == 0;
        }
        List<Pause> pauses = new ArrayList<>();
        for (Report r : eventRuns) {
            for (Report.Event ev : r.events()) {
                pauses.add(new Pause(
                        r.runId(),
                        ev.label(),
                        ev.tSeconds(),
                        ev.pauseMs(),
                        ev.partitionPauseMs(),
                        ev.maxLatencyMs(),
                        r.summary().lost(),
                        r.summary().duplicated()));
            }
            clean &= r.summary().lost() == 0
                    && r.summary().duplicated() == 0
                    && r.summary().unexpected() == 0;
        }
        return new Summary(notes, command, rows, pauses, clean);
    }

    public static String markdown(Summary s) {
        StringBuilder md = new StringBuilder();
        for (String note : s.notes()) {
            md.append("> ").append(note).append("\n");
        }
        if (!s.notes().isEmpty()) {
            md.append("\n");
        }
        md.append(
                "| workers | sent | steady throughput (/s) | speed-up | scaling efficiency | p50 | p99 | p99.9 | max | lost | duplicated | dead letters | outputs by worker |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : s.rows()) {
            StringBuilder workers = new StringBuilder();
            r.outputsByWorker()
                    .forEach((w, n) -> workers.append(workers.length() == 0 ? "" : ", ")
                            .append(w)
                            .append(": ")
                            .append(n));
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %d | %.1f | %.2fx | %.0f%% | %d ms | %d ms | %d ms | %d ms | %d | %d | %d | %s |%n",
                    r.workers(),
                    r.sent(),
                    r.throughputSteady(),
                    r.speedUp(),
                    r.efficiency() * 100,
                    r.p50Ms(),
                    r.p99Ms(),
                    r.p999Ms(),
                    r.maxMs(),
                    r.lost(),
                    r.duplicated(),
                    r.deadLetters(),
                    workers));
        }
        if (!s.pauses().isEmpty()) {
            md.append(
                    "\n| event | at (s) | longest pause, all output | longest pause, one input partition | slowest output | lost | duplicated |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Pause p : s.pauses()) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %.1f | %d ms | %d ms | %d ms | %d | %d |%n",
                        p.event(),
                        p.atSeconds(),
                        p.pauseMs(),
                        p.partitionPauseMs(),
                        p.maxLatencyMs(),
                        p.lost(),
                        p.duplicated()));
            }
        }
        md.append("\n")
                .append(
                        s.zeroLostOrDuplicated()
                                ? "Every id exactly once in every run: 0 lost, 0 duplicated.\n"
                                : "LOST OR DUPLICATED IDS: see the runs' reports.\n");
        return md.toString();
    }

    public static String html(Summary s) {
        double[] xs = s.rows().stream().mapToDouble(Row::workers).toArray();
        double[] measured = s.rows().stream().mapToDouble(Row::throughputSteady).toArray();
        double[] ideal = new double[xs.length];
        if (!s.rows().isEmpty()) {
            Row first = s.rows().get(0);
            for (int i = 0; i < xs.length; i++) {
                ideal[i] = first.throughputSteady() / first.workers() * xs[i];
            }
        }
        String chart = new SvgChart(700, 300, "Throughput by worker count", "workers", "records / s")
                .xRange(xs.length == 0 ? 0 : xs[0] - 0.2, xs.length == 0 ? 1 : xs[xs.length - 1] + 0.2)
                .xTicks(xs, x -> String.format(Locale.ROOT, "%.0f", x))
                .series("measured (steady)", xs, measured, false, true)
                .series("linear scaling from 1 worker", xs, ideal, false, true)
                .render();
        StringBuilder h = new StringBuilder();
        h.append(
                        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>featurex scaling run</title><style>")
                .append(ReportStyle.CSS)
                .append("</style></head><body><main>\n<h1>featurex horizontal scaling<span class=\"verdict ")
                .append(s.zeroLostOrDuplicated() ? "pass\">0 lost, 0 duplicated" : "fail\">LOST OR DUPLICATED")
                .append("</span></h1>\n");
        for (String note : s.notes()) {
            h.append("<div class=\"note\">").append(Html.escape(note)).append("</div>\n");
        }
        h.append("<div class=\"panel\">")
                .append(chart)
                .append("</div>\n<div class=\"panel\"><table><tr><th>workers</th>")
                .append(
                        "<th class=\"n\">sent</th><th class=\"n\">steady /s</th><th class=\"n\">speed-up</th><th class=\"n\">efficiency</th>")
                .append(
                        "<th class=\"n\">p50</th><th class=\"n\">p99</th><th class=\"n\">p99.9</th><th class=\"n\">max</th>")
                .append("<th class=\"n\">lost</th><th class=\"n\">duplicated</th><th>report</th></tr>");
        for (Row r : s.rows()) {
            h.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%d</td><td class=\"n\">%d</td><td class=\"n\">%.1f</td><td class=\"n\">%.2fx</td><td class=\"n\">%.0f%%</td>"
                            + "<td class=\"n\">%d ms</td><td class=\"n\">%d ms</td><td class=\"n\">%d ms</td><td class=\"n\">%d ms</td>"
                            + "<td class=\"n\">%d</td><td class=\"n\">%d</td><td><a href=\"workers-%d/report.html\">%s</a></td></tr>",
                    r.workers(),
                    r.sent(),
                    r.throughputSteady(),
                    r.speedUp(),
                    r.efficiency() * 100,
                    r.p50Ms(),
                    r.p99Ms(),
                    r.p999Ms(),
                    r.maxMs(),
                    r.lost(),
                    r.duplicated(),
                    r.workers(),
                    Html.escape(r.runId())));
        }
        h.append("</table></div>\n");
        if (!s.pauses().isEmpty()) {
            h.append("<h2>Pauses when a worker joins or leaves</h2><div class=\"panel\"><table><tr><th>event</th>")
                    .append(
                            "<th class=\"n\">at (s)</th><th class=\"n\">longest pause, all output</th><th class=\"n\">longest pause, one partition</th><th class=\"n\">slowest output</th>")
                    .append("<th class=\"n\">lost</th><th class=\"n\">duplicated</th></tr>");
            for (Pause p : s.pauses()) {
                h.append(String.format(
                        Locale.ROOT,
                        "<tr><td>%s</td><td class=\"n\">%.1f</td><td class=\"n\"><b>%d ms</b></td>"
                                + "<td class=\"n\"><b>%d ms</b></td><td class=\"n\">%d ms</td><td class=\"n\">%d</td><td class=\"n\">%d</td></tr>",
                        Html.escape(p.event()),
                        p.atSeconds(),
                        p.pauseMs(),
                        p.partitionPauseMs(),
                        p.maxLatencyMs(),
                        p.lost(),
                        p.duplicated()));
            }
            h.append(
                    "</table><p class=\"sub\" style=\"margin:8px 0 0\"><a href=\"join-leave/report.html\">the join/leave run's report</a></p></div>\n");
        }
        h.append("<h2>Command</h2><div class=\"panel\"><pre>")
                .append(Html.escape(s.command()))
                .append("</pre></div>\n</main></body></html>\n");
        return h.toString();
    }

    public static void write(Summary s, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("scaling.md"), markdown(s));
        Files.writeString(dir.resolve("scaling.html"), html(s));
        ReportJson.write(s, dir.resolve("scaling.json"));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
