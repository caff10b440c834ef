package io.featurex.loadtest.report;

import static io.featurex.loadtest.report.ReportNumbers.fmt;
import static io.featurex.loadtest.report.ReportNumbers.ms;

import io.featurex.loadtest.verify.LatencyRecorder;
import java.util.List;
import java.util.Locale;

/** End-to-end latency: the percentile chart beside the percentile table and what latency means. */
final class LatencySection {

    private LatencySection() {}

    static void append(StringBuilder h, Report r) {
        LatencyRecorder.Stats out = r.latencyMs().output();
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

    private static void row(StringBuilder h, String name, long a, long b) {
        h.append("<tr><td>")
                .append(name)
                .append("</td><td class=\"n\">")
                .append(ms(a))
                .append("</td><td class=\"n\">")
                .append(ms(b))
                .append("</td></tr>");
    }
}
