package io.featurex.worker.infer;

import io.featurex.v1.FeatureVector;

/** Feature vectors as arrays, and how alike two are. */
public final class Vectors {

    private Vectors() {}

    /** The values a published feature carries. */
    public static float[] of(FeatureVector feature) {
        float[] values = new float[feature.getValuesCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = feature.getValues(i);
        }
        return values;
    }

    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
