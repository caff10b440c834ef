package io.featurex.bench;

import java.util.Locale;

/**
 * Where a featurex worker spent its time in a run, from its own /metrics: mean fetch, decode and
 * queue time per image, inference and publish time per batch, mean batch size, and how busy the
 * model was over the measured span.
 */
record StageBreakdown(
        double images,
        double batches,
        double fetchSecondsPerImage,
        double decodeSecondsPerImage,
        double queueSecondsPerImage,
        double inferenceSecondsPerBatch,
        double inferenceSecondsTotal,
        double publishSecondsPerBatch) {

    private static final String STAGE = "featurex_stage_duration_seconds";

    static StageBreakdown from(PrometheusText m) {
        return between(PrometheusText.parse(""), m);
    }

    /** What happened between two scrapes of the same worker (counters and histograms only grow). */
    static StageBreakdown between(PrometheusText before, PrometheusText after) {
        double batches = delta(before, after, "featurex_batch_size_images_count");
        double images = delta(before, after, "featurex_batch_size_images_sum");
        return new StageBreakdown(
                images,
                batches,
                mean(before, after, "fetch"),
                mean(before, after, "decode"),
                mean(before, after, "queue"),
                mean(before, after, "inference"),
                delta(before, after, STAGE + "_sum", "stage", "inference"),
                mean(before, after, "publish"));
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.get(name, labels) - before.value(name, labels).orElse(0);
    }

    private static double mean(PrometheusText before, PrometheusText after, String stage) {
        double count = delta(before, after, STAGE + "_count", "stage", stage);
        return count > 0 ? delta(before, after, STAGE + "_sum", "stage", stage) / count : Double.NaN;
    }

    double meanBatch() {
        return batches > 0 ? images / batches : Double.NaN;
    }

    /** Model time per image inside the worker (to compare with model-only: contention shows here). */
    double inferenceSecondsPerImage() {
        return images > 0 ? inferenceSecondsTotal / images : Double.NaN;
    }

    /** Fraction of {@code wallSeconds} the model was running. */
    double modelBusy(double wallSeconds) {
        return wallSeconds > 0 ? inferenceSecondsTotal / wallSeconds : Double.NaN;
    }

    /** @param aloneSecondsPerImage the model's time per image with nothing else running; NaN to leave out */
    String describe(double wallSeconds, double aloneSecondsPerImage) {
        String alone = Double.isFinite(aloneSecondsPerImage)
                ? String.format(Locale.ROOT, " (model-only: %.0f ms)", aloneSecondsPerImage * 1e3)
                : "";
        return String.format(
                Locale.ROOT,
                "mean batch %.2f over %.0f batches; per image: fetch %.1f ms, decode %.1f ms, queue %.0f ms, "
                        + "model %.0f ms%s; per batch: inference %.0f ms, publish %.1f ms; model busy %.0f%% of the wave",
                meanBatch(),
                batches,
                fetchSecondsPerImage * 1e3,
                decodeSecondsPerImage * 1e3,
                queueSecondsPerImage * 1e3,
                inferenceSecondsPerImage() * 1e3,
                alone,
                inferenceSecondsPerBatch * 1e3,
                publishSecondsPerBatch * 1e3,
                100 * modelBusy(wallSeconds));
    }
}
