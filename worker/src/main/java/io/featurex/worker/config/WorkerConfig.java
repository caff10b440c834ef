package io.featurex.worker.config;

import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.fetch.FetchLimits;
import io.featurex.worker.fetch.S3Settings;
import io.featurex.worker.infer.ModelSpec;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The worker's whole configuration: immutable, and validated at construction, where every
 * problem is collected and reported at once. Values are never silently adjusted.
 *
 * <p>Each section reads its own settings; the accessors below the sections are the flat view
 * the rest of the worker was written against.
 */
public record WorkerConfig(
        KafkaSettings cluster,
        TopicSettings topics,
        ModelSpec model,
        PipelineSettings pipeline,
        FetchSettings fetch,
        DecodeSpec decode,
        MetricsSettings metrics) {

    /** Validates raw values (by key; {@code kafka.*} pass through) into a configuration. */
    public static WorkerConfig from(Map<String, String> raw) {
        SettingReader r = new SettingReader(raw);
        KafkaSettings cluster = KafkaSettings.from(r);
        TopicSettings topics = TopicSettings.from(r);
        ModelSpec model = ModelSettings.from(r);
        DecodeSpec decode = DecodeSettings.from(r);
        PipelineSettings pipeline = PipelineSettings.from(r);
        FetchSettings fetch = FetchSettings.from(r);
        MetricsSettings metrics = MetricsSettings.from(r);
        r.failIfProblems();
        return new WorkerConfig(cluster, topics, model, pipeline, fetch, decode, metrics);
    }

    /** The same configuration with the batch size measured at start-up in place of auto. */
    public WorkerConfig withMeasuredBatchSize(int size) {
        return new WorkerConfig(cluster, topics, model, pipeline.withMeasuredBatchSize(size), fetch, decode, metrics);
    }

    /** fetch.inline-max-bytes where set; empty for auto (the input topics' own record limit is the only one). */
    public OptionalLong inlineMaxBytes() {
        long limit = fetchLimits().inlineMaxBytes();
        return limit == FetchLimits.NO_INLINE_LIMIT ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public String groupId() {
        return cluster.groupId();
    }

    public String workerId() {
        return cluster.workerId();
    }

    public Delivery delivery() {
        return cluster.delivery();
    }

    /** Kafka client properties passed through, keyed without the {@code kafka.} prefix. */
    public Map<String, String> kafka() {
        return cluster.properties();
    }

    public InputTopics inputs() {
        return topics.inputs();
    }

    public int maxImagesPerRecord() {
        return topics.maxImagesPerRecord();
    }

    public String outputTopic() {
        return topics.outputTopic();
    }

    public String deadLetterTopic() {
        return topics.deadLetterTopic();
    }

    public int deadLetterMaxOriginalBytes() {
        return topics.deadLetterMaxOriginalBytes();
    }

    public boolean createTopics() {
        return topics.create();
    }

    public int topicPartitions() {
        return topics.partitions();
    }

    public short topicReplicationFactor() {
        return topics.replicationFactor();
    }

    public BatchSizing batchMaxSize() {
        return pipeline.batchMaxSize();
    }

    public Duration batchMaxDelay() {
        return pipeline.batchMaxDelay();
    }

    public int maxInFlight() {
        return pipeline.maxInFlight();
    }

    public int decodeThreads() {
        return pipeline.decodeThreads();
    }

    public Duration shutdownTimeout() {
        return pipeline.shutdownTimeout();
    }

    public int fetchConcurrency() {
        return fetch.concurrency();
    }

    public long fetchBytesInFlight() {
        return fetch.bytesInFlight();
    }

    public FetchLimits fetchLimits() {
        return fetch.limits();
    }

    public S3Settings s3() {
        return fetch.s3();
    }
}
