package io.featurex.loadtest.report;

import java.util.Locale;

/** Numbers as the report pages write them: short, and in the same units wherever they appear. */
final class ReportNumbers {

    private ReportNumbers() {}

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
