package io.featurex.loadtest.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The report as one self-contained HTML page: inline CSS and SVG charts, no script and nothing
 * fetched, so it opens from disk (or an e-mail attachment, or a CI artifact) anywhere.
 */
public final class HtmlReport {

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
                .append(ReportStyle.CSS)
                .append("</style></head><body><main>\n");

        SummarySection.append(h, r);
        TimelineCharts.append(h, r);
        LatencySection.append(h, r);
        PauseTable.append(h, r);
        OutputTables.append(h, r);
        RunDetails.append(h, r);
        h.append("</main></body></html>\n");
        return h.toString();
    }
}
