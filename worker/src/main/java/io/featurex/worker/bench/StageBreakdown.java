package io.featurex.worker.bench;

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
        double batches = m.get("featurex_batch_size_images_count");
        double images = m.get("featurex_batch_size_images_sum");
        return new StageBreakdown(
                images,
                batches,
                mean(m, "fetch"),
                mean(m, "decode"),
                mean(m, "queue"),
                mean(m, "inference"),
                m.get(STAGE + "_sum", "stage", "inference"),
                mean(m, "publish"));
    }

    private static double mean(PrometheusText m, String stage) {
        double count = m.get(STAGE + "_count", "stage", stage);
        return count > 0 ? m.get(STAGE + "_sum", "stage", stage) / count : Double.NaN;
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

    String describe(double wallSeconds) {
        return String.format(Locale.ROOT,
                "mean batch %.2f over %.0f batches; per image: fetch %.1f ms, decode %.1f ms, queue %.0f ms, "
                        + "model %.0f ms; per batch: inference %.0f ms, publish %.1f ms; model busy %.0f%% of the run",
                meanBatch(), batches, fetchSecondsPerImage * 1e3, decodeSecondsPerImage * 1e3, queueSecondsPerImage * 1e3,
                inferenceSecondsPerImage() * 1e3, inferenceSecondsPerBatch * 1e3, publishSecondsPerBatch * 1e3,
                100 * modelBusy(wallSeconds));
    }
}
