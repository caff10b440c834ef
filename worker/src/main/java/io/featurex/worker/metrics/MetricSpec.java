package io.featurex.worker.metrics;

import java.util.List;

/**
 * Every metric the worker exports, in one catalogue: name, type, help and labels. Dashboards,
 * alert rules and the README's operations table are checked against this list.
 */
public enum MetricSpec {
    IMAGES(
            "featurex_images_total",
            Type.COUNTER,
            "Input records finished (committed), by outcome: feature or dead_letter.",
            "outcome"),
    DEAD_LETTERS("featurex_dead_letters_total", Type.COUNTER, "Dead letters committed, by error code.", "code"),
    BATCHES(
            "featurex_batches_total",
            Type.COUNTER,
            "Micro-batches run through the model; images / batches is the mean batch size."),
    BATCH_SIZE("featurex_batch_size_images", Type.HISTOGRAM, "Images per micro-batch."),
    BATCH_MAX_SIZE(
            "featurex_batch_max_size_images",
            Type.GAUGE,
            "Largest micro-batch: batch.max-size, measured at start-up (chosen=measured) or configured (chosen=configured).",
            "chosen"),
    STAGE_SECONDS(
            "featurex_stage_duration_seconds",
            Type.HISTOGRAM,
            "Time per stage: fetch and decode per image, queue (decoded to batched) per image, "
                    + "inference and publish per batch.",
            "stage"),
    END_TO_END_SECONDS(
            "featurex_end_to_end_latency_seconds", Type.HISTOGRAM, "Input record timestamp to its output committed."),
    CONSUMER_LAG(
            "featurex_consumer_lag_records",
            Type.GAUGE,
            "Records between the group's committed offset and the log end, per assigned partition.",
            "topic",
            "partition"),
    CONSUMER_LAG_SUM(
            "featurex_consumer_lag_sum_records",
            Type.GAUGE,
            "Consumer lag summed over this worker's assigned partitions."),
    ASSIGNED_PARTITIONS("featurex_assigned_partitions", Type.GAUGE, "Input partitions assigned to this worker."),
    PAUSED_PARTITIONS("featurex_paused_partitions", Type.GAUGE, "Input partitions paused for backpressure."),
    IN_FLIGHT(
            "featurex_images_in_flight",
            Type.GAUGE,
            "Images of the records read and not yet committed. Once it reaches pipeline.max-in-flight the partitions"
                    + " over their share pause; a record of many images, or one poll's records, can take it past the bound."),
    PIPELINE_IMAGES(
            "featurex_pipeline_images",
            Type.GAUGE,
            "Images inside the worker by state: waiting (read, not yet fetched), fetching, fetched (bytes waiting for a"
                    + " decode thread), decoding, decoded (pixels waiting for a batch), in_model.",
            "state"),
    FETCH_BYTES(
            "featurex_fetch_bytes_in_flight",
            Type.GAUGE,
            "Encoded bytes fetched and not yet decoded; no fetch starts while it is over fetch.max-bytes-in-flight."),
    MODEL(
            "featurex_model_info",
            Type.INFO,
            "The model producing the vectors, and the decoders feeding it (decoder: jpeg=turbo|imageio webp=libwebp|imageio).",
            "architecture",
            "weights_digest",
            "preprocessing",
            "precision",
            "decode",
            "device",
            "decoder");

    public enum Type {
        COUNTER,
        GAUGE,
        HISTOGRAM,
        INFO
    }

    private final String name;
    private final Type type;
    private final String help;
    private final List<String> labels;

    MetricSpec(String name, Type type, String help, String... labels) {
        this.name = name;
        this.type = type;
        this.help = help;
        this.labels = List.of(labels);
    }

    /** The exposed name (counters end in _total, info metrics in _info). */
    public String exposedName() {
        return name;
    }

    public Type type() {
        return type;
    }

    public String help() {
        return help;
    }

    public List<String> labels() {
        return labels;
    }

    /** The name as given to the client library, which adds the _total / _info suffix itself. */
    String baseName() {
        if (type == Type.COUNTER && name.endsWith("_total")) {
            return name.substring(0, name.length() - "_total".length());
        }
        if (type == Type.INFO && name.endsWith("_info")) {
            return name.substring(0, name.length() - "_info".length());
        }
        return name;
    }

    String[] labelArray() {
        return labels.toArray(String[]::new);
    }
}
