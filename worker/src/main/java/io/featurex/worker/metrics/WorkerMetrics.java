package io.featurex.worker.metrics;

import io.featurex.worker.infer.ModelInfo;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The worker's metrics, all in one catalogue. Images and batches are counted separately so the
 * mean batch size is {@code images / batches}.
 */
public final class WorkerMetrics {

    private static final double[] SECONDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry;
    private final Counter images;
    private final Counter deadLetters;
    private final Counter batches;
    private final Histogram batchSize;
    private final Histogram inferenceSeconds;
    private final Histogram publishSeconds;
    private final Gauge inFlight;
    private final Gauge pausedPartitions;
    private final Info model;

    public WorkerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        images = Counter.builder().name("featurex_images_total")
                .help("Input records finished, by outcome (feature or dead_letter).")
                .labelNames("outcome").register(registry);
        deadLetters = Counter.builder().name("featurex_dead_letters_total")
                .help("Dead letters published, by error code.")
                .labelNames("code").register(registry);
        batches = Counter.builder().name("featurex_batches_total")
                .help("Micro-batches run through the model.").register(registry);
        batchSize = Histogram.builder().name("featurex_batch_size")
                .help("Images per micro-batch.")
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256).register(registry);
        inferenceSeconds = Histogram.builder().name("featurex_inference_seconds")
                .help("Time of one micro-batch in the model.")
                .classicUpperBounds(SECONDS).register(registry);
        publishSeconds = Histogram.builder().name("featurex_publish_seconds")
                .help("Time to publish one micro-batch and commit its offsets.")
                .classicUpperBounds(SECONDS).register(registry);
        inFlight = Gauge.builder().name("featurex_images_in_flight")
                .help("Records read and not yet committed.").register(registry);
        pausedPartitions = Gauge.builder().name("featurex_paused_partitions")
                .help("Input partitions paused for backpressure.").register(registry);
        model = Info.builder().name("featurex_model_info")
                .help("The model producing the vectors.")
                .labelNames("architecture", "weights_digest", "preprocessing", "precision", "device")
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void model(ModelInfo info) {
        model.setLabelValues(info.architecture(), info.weightsDigest(), info.preprocessing().key(), info.precision(), info.device());
    }

    public void features(int count) {
        images.labelValues("feature").inc(count);
    }

    public void deadLetter(String code) {
        images.labelValues("dead_letter").inc();
        deadLetters.labelValues(code).inc();
    }

    public void batch(int size, double inferenceSecondsTaken) {
        batches.inc();
        batchSize.observe(size);
        inferenceSeconds.observe(inferenceSecondsTaken);
    }

    public void published(double seconds) {
        publishSeconds.observe(seconds);
    }

    public void inFlight(int count) {
        inFlight.set(count);
    }

    public void paused(int partitions) {
        pausedPartitions.set(partitions);
    }
}
