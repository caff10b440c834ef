package io.featurex.bench;

/**
 * One throughput cell: images run, seconds they took, the process's peak resident memory during
 * the cell (-1 where unknown), and the cores other processes used meanwhile ({@link HostLoad}).
 */
record Measurement(long images, double seconds, long peakRssBytes, double foreignCores) {

    static final Measurement NONE = new Measurement(0, 0, -1, Double.NaN);

    double imagesPerSecond() {
        return seconds > 0 ? images / seconds : Double.NaN;
    }

    boolean present() {
        return images > 0;
    }

    /** The faster of two measurements of the same thing (noise on a shared machine only slows). */
    static Measurement best(Measurement a, Measurement b) {
        if (a == null || !a.present()) {
            return b;
        }
        if (b == null || !b.present()) {
            return a;
        }
        return b.imagesPerSecond() > a.imagesPerSecond() ? b : a;
    }
}
