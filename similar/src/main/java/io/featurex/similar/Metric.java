package io.featurex.similar;

import java.util.Locale;

/** How two vectors are compared. */
public enum Metric {
    /** Cosine similarity, in [-1, 1]: higher is nearer. */
    COSINE("cosine", true),
    /** Euclidean (L2) distance, at least 0: lower is nearer. */
    EUCLIDEAN("euclidean", false);

    private final String key;
    private final boolean higherIsNearer;

    Metric(String key, boolean higherIsNearer) {
        this.key = key;
        this.higherIsNearer = higherIsNearer;
    }

    public String key() {
        return key;
    }

    /** What the score is called in tables and JSON: "similarity" or "distance". */
    public String scoreName() {
        return higherIsNearer ? "similarity" : "distance";
    }

    /** @return true when score {@code a} is strictly nearer than score {@code b} */
    boolean nearer(float a, float b) {
        return higherIsNearer ? a > b : a < b;
    }

    public static Metric parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Metric m : values()) {
            if (m.key.equals(wanted)) {
                return m;
            }
        }
        throw new IllegalArgumentException("metric must be cosine or euclidean, got '" + text + "'");
    }
}
