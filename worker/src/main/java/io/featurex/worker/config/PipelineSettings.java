package io.featurex.worker.config;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * How much work the worker holds at once and how it hands images to the model.
 *
 * @param shutdownTimeout on SIGTERM, time to finish the in-flight batch and commit
 */
public record PipelineSettings(
        BatchSizing batchMaxSize,
        Duration batchMaxDelay,
        int maxInFlight,
        int decodeThreads,
        Duration shutdownTimeout) {

    static PipelineSettings from(SettingReader r) {
        OptionalInt fixedBatch = r.autoInteger(Setting.BATCH_MAX_SIZE, 1, 4096);
        int batchSize = fixedBatch.orElse(0);
        long autoBudgetMs = r.longValue(Setting.BATCH_AUTO_BUDGET_MS, 1, 600_000);
        long delayMs = r.longValue(Setting.BATCH_MAX_DELAY_MS, 0, 60_000);
        int maxInFlight = r.integer(Setting.PIPELINE_MAX_IN_FLIGHT, 1, 100_000);
        if (batchSize > 0 && maxInFlight > 0 && maxInFlight < batchSize) {
            r.problem(
                    Setting.PIPELINE_MAX_IN_FLIGHT,
                    "must be at least batch.max-size (" + batchSize + ") or batches never fill");
        }
        int decodeThreads = r.autoInteger(Setting.PIPELINE_DECODE_THREADS, 1, 1024)
                .orElse(Runtime.getRuntime().availableProcessors());
        long shutdownMs = r.longValue(Setting.SHUTDOWN_TIMEOUT_MS, 0, 3_600_000);
        return new PipelineSettings(
                new BatchSizing(fixedBatch, false, Duration.ofMillis(autoBudgetMs)),
                Duration.ofMillis(delayMs),
                maxInFlight,
                decodeThreads,
                Duration.ofMillis(shutdownMs));
    }

    /** The same settings with the batch size measured at start-up in place of auto. */
    public PipelineSettings withMeasuredBatchSize(int size) {
        return new PipelineSettings(
                batchMaxSize.measured(size), batchMaxDelay, maxInFlight, decodeThreads, shutdownTimeout);
    }
}
