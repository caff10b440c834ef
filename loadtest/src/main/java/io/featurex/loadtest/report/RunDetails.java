package io.featurex.loadtest.report;

import static io.featurex.loadtest.report.ReportNumbers.fmt;
import static io.featurex.loadtest.report.ReportNumbers.ms;

/** How the run was set up and measured, down to the command line, for reading the numbers above. */
final class RunDetails {

    private RunDetails() {}

    static void append(StringBuilder h, Report r) {
        Report.Summary s = r.summary();
        Report.Setup setup = r.setup();
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
        h.append("</dl></div>\n");
    }

    private static void dl(StringBuilder h, String term, String value) {
        h.append("<dt>").append(Html.escape(term)).append("</dt><dd>");
        if (value != null) {
            h.append(Html.escape(value)).append("</dd>");
        }
    }
}
