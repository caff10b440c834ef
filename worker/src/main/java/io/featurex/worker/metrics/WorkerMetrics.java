package io.featurex.worker.metrics;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.infer.ModelInfo;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** The instruments of {@link MetricSpec}, registered in one registry. Thread-safe. */
public final class WorkerMetrics {

    private static final double[] SECONDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
    };
    private static final double[] BATCH_SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    public enum Stage {
        FETCH,
        DECODE,
        QUEUE,
        INFERENCE,
        PUBLISH
    }

    private final PrometheusRegistry registry;
    private final Counter images;
    private final Counter deadLetters;
    private final Counter batches;
    private final Histogram batchSize;
    private final Gauge batchMaxSize;
    private final Histogram stageSeconds;
    private final Histogram endToEnd;
    private final Gauge lag;
    private final Gauge lagSum;
    private final Gauge assigned;
    private final Gauge paused;
    private final Gauge inFlight;
    private final Gauge pipelineImages;
    private final Gauge fetchBytes;
    private final Info model;

    public WorkerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        images = counter(MetricSpec.IMAGES);
        deadLetters = counter(MetricSpec.DEAD_LETTERS);
        batches = counter(MetricSpec.BATCHES);
        batchSize = histogram(MetricSpec.BATCH_SIZE, BATCH_SIZES);
        batchMaxSize = gauge(MetricSpec.BATCH_MAX_SIZE);
        stageSeconds = histogram(MetricSpec.STAGE_SECONDS, SECONDS);
        endToEnd = histogram(MetricSpec.END_TO_END_SECONDS, SECONDS);
        lag = gauge(MetricSpec.CONSUMER_LAG);
        lagSum = gauge(MetricSpec.CONSUMER_LAG_SUM);
        assigned = gauge(MetricSpec.ASSIGNED_PARTITIONS);
        paused = gauge(MetricSpec.PAUSED_PARTITIONS);
        inFlight = gauge(MetricSpec.IN_FLIGHT);
        pipelineImages = gauge(MetricSpec.PIPELINE_IMAGES);
        fetchBytes = gauge(MetricSpec.FETCH_BYTES);
        model = Info.builder()
                .name(MetricSpec.MODEL.baseName())
                .help(MetricSpec.MODEL.help())
                .labelNames(MetricSpec.MODEL.labelArray())
                .register(registry);
        // Zero series from the start, so rate() and absent() work before the first event.
        images.initLabelValues("feature");
        images.initLabelValues("dead_letter");
        for (ErrorCode code : ErrorCode.values()) {
            if (code != ErrorCode.ERROR_CODE_UNSPECIFIED && code != ErrorCode.UNRECOGNIZED) {
                deadLetters.initLabelValues(code.name());
            }
        }
        for (Stage stage : Stage.values()) {
            stageSeconds.initLabelValues(stage.name().toLowerCase(Locale.ROOT));
        }
    }

    private Counter counter(MetricSpec m) {
        return Counter.builder()
                .name(m.baseName())
                .help(m.help())
                .labelNames(m.labelArray())
                .register(registry);
    }

    private Gauge gauge(MetricSpec m) {
        return Gauge.builder()
                .name(m.baseName())
                .help(m.help())
                .labelNames(m.labelArray())
                .register(registry);
    }

    private Histogram histogram(MetricSpec m, double[] bounds) {
        return Histogram.builder()
                .name(m.baseName())
                .help(m.help())
                .labelNames(m.labelArray())
                .classicUpperBounds(bounds)
                .classicOnly()
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * @param decode   how images are decoded where it differs from the framework's way; "" when it does not
     * @param decoders which decoder takes which format (e.g. "jpeg=turbo webp=libwebp"): the same
     *                 pixels either way, so not part of the model (the mixed-models alert ignores it)
     */
    public void model(ModelInfo info, String decode, String decoders) {
        model.setLabelValues(
                info.architecture(),
                info.weightsDigest(),
                info.preprocessing().key(),
                info.precision().key(),
                decode,
                info.device(),
                decoders);
    }

    /** @param measured whether batch.max-size=auto measured it at start-up */
    public void batchMaxSize(int size, boolean measured) {
        batchMaxSize.clear();
        batchMaxSize.labelValues(measured ? "measured" : "configured").set(size);
    }

    public void features(int count) {
        images.labelValues("feature").inc(count);
    }

    /** Outputs committed so far: features and dead letters. */
    public long outputs() {
        return (long) (images.labelValues("feature").get()
                + images.labelValues("dead_letter").get());
    }

    public long deadLetters() {
        return (long) images.labelValues("dead_letter").get();
    }

    public void deadLetter(String code) {
        images.labelValues("dead_letter").inc();
        deadLetters.labelValues(code).inc();
    }

    public void batch(int size, double inferenceSeconds) {
        batches.inc();
        batchSize.observe(size);
        stage(Stage.INFERENCE, inferenceSeconds);
    }

    public void stage(Stage stage, double seconds) {
        stageSeconds.labelValues(stage.name().toLowerCase(Locale.ROOT)).observe(seconds);
    }

    public void endToEnd(double seconds) {
        endToEnd.observe(seconds);
    }

    /** Replaces the lag series: partitions no longer assigned disappear. */
    public void lag(Map<TopicPartition, Long> perPartition) {
        lag.clear();
        long sum = 0;
        for (var e : perPartition.entrySet()) {
            lag.labelValues(e.getKey().topic(), Integer.toString(e.getKey().partition()))
                    .set(e.getValue());
            sum += e.getValue();
        }
        lagSum.set(sum);
    }

    public void assigned(int partitions) {
        assigned.set(partitions);
    }

    public void inFlight(int count) {
        inFlight.set(count);
    }

    /** @param byState images per state (waiting, fetching, fetched, decoding, decoded, in_model) */
    public void pipeline(Map<String, Integer> byState, long bytesFetched) {
        byState.forEach((state, count) -> pipelineImages.labelValues(state).set(count));
        fetchBytes.set(bytesFetched);
    }

    public void paused(int partitions) {
        paused.set(partitions);
    }
}
