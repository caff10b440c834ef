package io.featurex.bench;

import java.util.Locale;

/**
 * A goal for one measured figure: at least or below a bound. Benchmarks report against goals;
 * tests never assert them.
 */
public record Target(Kind kind, double bound, String unit) {

    public enum Kind {
        AT_LEAST,
        BELOW
    }

    public static Target atLeast(double ratio) {
        return new Target(Kind.AT_LEAST, ratio, "x");
    }

    public static Target belowGiB(double gib) {
        return new Target(Kind.BELOW, gib, " GiB");
    }

    public boolean met(double value) {
        return kind == Kind.AT_LEAST ? value >= bound : value < bound;
    }

    /** "met" or "NOT met": the capital letters are there to be seen in a long table. */
    public String verdict(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return met(value) ? "met" : "NOT met";
    }

    @Override
    public String toString() {
        return (kind == Kind.AT_LEAST ? ">= " : "< ") + String.format(Locale.ROOT, "%.2f", bound) + unit;
    }
}
