package io.featurex.loadtest;

import io.featurex.loadtest.report.Report;
import io.featurex.loadtest.report.ReportJson;
import io.featurex.loadtest.report.ScalingSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featurex-loadtest scaling-summary}: the reports of one scaling run, side by side. */
@Command(
        name = "scaling-summary",
        mixinStandardHelpOptions = true,
        description = "Summarises one report per worker count (and runs with join/leave events) into "
                + "scaling.md, scaling.json and scaling.html.")
final class ScalingSummaryCommand implements Callable<Integer> {
    @Option(
            names = "--run",
            required = true,
            paramLabel = "WORKERS=REPORT_JSON",
            description = "The report of the run with this many workers (repeatable).")
    Map<Integer, Path> runs = new LinkedHashMap<>();

    @Option(
            names = "--events-run",
            paramLabel = "REPORT_JSON",
            description = "A run with join/leave events (repeatable).")
    List<Path> eventRuns = new ArrayList<>();

    @Option(names = "--note", paramLabel = "TEXT")
    List<String> notes = new ArrayList<>();

    @Option(names = "--command", paramLabel = "TEXT", description = "The command that produced the runs.")
    String command = "";

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<Integer, Report> reports = new LinkedHashMap<>();
        for (Map.Entry<Integer, Path> e : runs.entrySet()) {
            reports.put(e.getKey(), ReportJson.read(e.getValue()));
        }
        List<Report> events = new ArrayList<>();
        for (Path p : eventRuns) {
            events.add(ReportJson.read(p));
        }
        ScalingSummary.Summary summary = ScalingSummary.summarize(reports, events, notes, command);
        ScalingSummary.write(summary, out);
        System.out.print(ScalingSummary.markdown(summary));
        return summary.zeroLostOrDuplicated() ? 0 : 1;
    }
}
