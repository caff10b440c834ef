package io.featurex.loadtest.report;

import java.util.Map;

/** What came out: dead letters by code, outputs by worker, and the ids lost or duplicated. */
final class OutputTables {

    private OutputTables() {}

    static void append(StringBuilder h, Report r) {
        Report.Summary s = r.summary();
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
}
