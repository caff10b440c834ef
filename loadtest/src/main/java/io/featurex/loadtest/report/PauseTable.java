package io.featurex.loadtest.report;

import static io.featurex.loadtest.report.ReportNumbers.fmt;
import static io.featurex.loadtest.report.ReportNumbers.fmt1;
import static io.featurex.loadtest.report.ReportNumbers.ms;

/** How long output paused after each join/leave event; nothing when the run had no events. */
final class PauseTable {

    private PauseTable() {}

    static void append(StringBuilder h, Report r) {
        Report.Summary s = r.summary();
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
    }
}
