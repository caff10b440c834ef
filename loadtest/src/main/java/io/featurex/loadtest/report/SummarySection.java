package io.featurex.loadtest.report;

import static io.featurex.loadtest.report.ReportNumbers.fmt;
import static io.featurex.loadtest.report.ReportNumbers.ms;

import io.featurex.loadtest.verify.LatencyRecorder;

/** The top of the page: the verdict, what was run, the notes and the headline numbers as cards. */
final class SummarySection {

    private SummarySection() {}

    static void append(StringBuilder h, Report r) {
        Report.Summary s = r.summary();
        Report.Setup setup = r.setup();
        LatencyRecorder.Stats out = r.latencyMs().output();
        boolean pass = "PASS".equals(s.verdict());
        h.append("<h1>featurex load test<span class=\"verdict ")
                .append(pass ? "pass" : "fail")
                .append("\">")
                .append(Html.escape(s.verdict()))
                .append("</span></h1>\n");
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
}
