package io.featurex.bench;

import java.util.Locale;

/** How figures are written in the table: fixed decimals, dot as decimal separator, "-" for none. */
public final class Format {

    private static final double GIB = 1024.0 * 1024 * 1024;

    private Format() {}

    public static String rate(double imagesPerSecond) {
        return Double.isFinite(imagesPerSecond) ? String.format(Locale.ROOT, "%.2f", imagesPerSecond) : "-";
    }

    public static String gflops(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.0f", value) : "-";
    }

    public static String ratio(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2fx", value) : "-";
    }

    /**
     * A ratio next to its target: three decimals where two would round it onto the bound, so a
     * "1.15x ... NOT met" (1.148) never reads as a contradiction.
     */
    public static String ratio(double value, Target target) {
        String two = ratio(value);
        if (target != null && Double.isFinite(value) && value != target.bound() && two.equals(ratio(target.bound()))) {
            return String.format(Locale.ROOT, "%.3fx", value);
        }
        return two;
    }

    public static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.0f%%", 100 * fraction) : "-";
    }

    /** Bytes as GiB with two decimals; negative (unknown) as "-". */
    public static String gib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.2f GiB", bytes / GIB);
    }

    public static double toGib(long bytes) {
        return bytes < 0 ? Double.NaN : bytes / GIB;
    }

    public static String cores(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "-";
    }

    public static String cosine(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.6f", value) : "-";
    }
}
