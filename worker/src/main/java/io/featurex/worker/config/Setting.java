package io.featurex.worker.config;

import java.util.Locale;

/**
 * Every configuration key, in one place. Each is settable as a property (in a file given with
 * {@code --config}), as an environment variable ({@code FEATUREX_} + the key in upper case,
 * dots and dashes as underscores) and as a command-line flag ({@code --} + the key, dots as
 * dashes). Precedence: flag, then environment, then file, then default. Kafka client properties
 * pass through with the {@code kafka.} prefix (e.g. {@code kafka.security.protocol}).
 */
public enum Setting {
    BOOTSTRAP_SERVERS("bootstrap.servers", null, "Kafka bootstrap servers, host:port[,host:port...]."),
    INPUT_TOPIC("input.topic", "featurex.images", "Input topic, or comma-separated topics."),
    INPUT_FORMAT(
            "input.format",
            "protobuf",
            "Record format of the input topics: protobuf (ImageRef), uri (one URI as text), json ({\"id\",\"uri\",...}) or s3-event (S3/MinIO event notifications); per topic as topic=format[,topic=format...]; a bare format is the default for topics not named."),
    INPUT_MAX_IMAGES_PER_RECORD(
            "input.max-images-per-record",
            "4096",
            "Most images one input record may name (an S3 event can name many); a record naming more becomes one TOO_MANY_IMAGES dead letter. A record's outputs commit in one transaction: at start-up this many features must fit the producer's buffer.memory."),
    OUTPUT_TOPIC(
            "output.topic", "featurex.features", "Topic FeatureVector records are published to, keyed by image id."),
    DEAD_LETTER_TOPIC("dead-letter.topic", "featurex.dead-letters", "Topic DeadLetter records are published to."),
    DEAD_LETTER_MAX_ORIGINAL_BYTES(
            "dead-letter.max-original-bytes",
            "262144",
            "Most of an input record's value a dead letter carries; beyond it (or beyond what the dead-letter topic takes) a prefix, flagged original_truncated (replay reads the whole record from the input topic). Checked against the dead-letter topic's max.message.bytes at start-up."),
    GROUP_ID("group.id", "featurex", "Consumer group: workers with the same group share the input partitions."),
    WORKER_ID(
            "worker.id",
            "",
            "This worker's id (client id and transactional id); default: host name + process id. Unique per worker."),
    DELIVERY("delivery", "exactly-once", "exactly-once (Kafka transactions) or at-least-once."),
    MODEL_WEIGHTS(
            "model.weights",
            "",
            "Weights file: Keras .h5, TorchScript .pt or DJL .params; empty: seeded random weights, for demos only."),
    MODEL_SEED("model.seed", "42", "Seed of the random weights when no weights file is given."),
    MODEL_WIDTH_DIVISOR(
            "model.width-divisor",
            "1",
            "Divide every layer's channels by this (1 = VGG16; 8 = tiny, tests/load tests)."),
    MODEL_WEIGHTS_FORMAT(
            "model.weights-format", "auto", "auto (from the file's first bytes), keras-h5, torchscript or djl."),
    MODEL_PREPROCESSING(
            "model.preprocessing",
            "auto",
            "auto (as the weights were trained: caffe for Keras and random, torch for TorchScript), caffe or torch."),
    MODEL_DEVICE("model.device", "auto", "auto, cpu, gpu or gpu:N."),
    MODEL_PRECISION(
            "model.precision",
            "fp32",
            "fp32, bf16 (CPUs with AVX-512 BF16 or AMX, recent GPUs), fp16 (GPU only) or int8 (CPU only, an INT8 TorchScript file made by tools/int8/quantize_vgg16.py): the network's number type, inputs and outputs stay float32; checked against fp32 at start-up (cosine >= 0.999) and written into every output's model identity."),
    BATCH_MAX_SIZE(
            "batch.max-size",
            "auto",
            "Largest micro-batch handed to the model; auto: measured at start-up (powers of two up to 16 on CPU, 128 on GPU, at most pipeline.max-in-flight), a number skips the measurement."),
    BATCH_AUTO_BUDGET_MS(
            "batch.auto-budget-ms",
            "20000",
            "Time batch.max-size=auto may spend measuring at start-up; it stops sooner once doubling the batch gains 3% or less."),
    BATCH_MAX_DELAY_MS(
            "batch.max-delay-ms", "0", "How long a ready image may wait for a fuller batch while the model is idle."),
    PIPELINE_MAX_IN_FLIGHT(
            "pipeline.max-in-flight",
            "1024",
            "Images of the records read and not yet committed; at it, the input partitions over their share pause (a record of many images, or one poll, can go past it)."),
    PIPELINE_DECODE_THREADS(
            "pipeline.decode-threads",
            "auto",
            "Threads decoding images (fetching has its own: fetch.max-concurrency); auto: one per core."),
    FETCH_MAX_BYTES("fetch.max-bytes", "33554432", "Largest image file or HTTP body accepted, in bytes."),
    FETCH_MAX_CONCURRENCY(
            "fetch.max-concurrency",
            "256",
            "Fetches in flight at most, apart from the decode threads: enough to hide an object store's latency (images/s x seconds per fetch)."),
    FETCH_MAX_BYTES_IN_FLIGHT(
            "fetch.max-bytes-in-flight",
            "67108864",
            "Encoded bytes fetched and not yet decoded, with those of the fetches under way counted at the largest of the last 64 fetched (1 MiB before there are 64); no fetch starts that would go over it (one always may while under it)."),
    FETCH_INLINE_MAX_BYTES(
            "fetch.inline-max-bytes",
            "auto",
            "Largest inline image accepted, in bytes; auto: what the input topics accept (their max.message.bytes). A limit above every input topic's is refused at start-up: such images could never arrive."),
    FETCH_TIMEOUT_MS("fetch.timeout-ms", "10000", "Time limit of one fetch, connection to last byte."),
    FETCH_FILE_ROOTS(
            "fetch.file-roots", "", "Comma-separated directories file: URIs may read from; empty refuses file:."),
    FETCH_ALLOWED_HOSTS(
            "fetch.allowed-hosts", "", "Comma-separated hosts http(s) may fetch from; empty: any public host."),
    FETCH_ALLOW_PRIVATE_ADDRESSES(
            "fetch.allow-private-addresses",
            "false",
            "Allow hosts that resolve to addresses that are not globally reachable (loopback, private, link-local, every IANA special-purpose block): the SSRF address check off, for tests and on-premises stores."),
    S3_ENDPOINT(
            "s3.endpoint",
            "",
            "Endpoint of an S3-compatible store (MinIO, Ceph, ...), e.g. http://minio:9000; empty: AWS S3. Credentials: the AWS SDK's standard chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, web identity, instance role)."),
    S3_REGION(
            "s3.region",
            "",
            "Region for s3:// requests; empty: AWS_REGION or the SDK's region chain (us-east-1 with cross-region access where none is found; us-east-1 with an endpoint)."),
    S3_PATH_STYLE(
            "s3.path-style",
            "false",
            "Path-style s3 requests (endpoint/bucket/key): MinIO and most self-hosted stores need it."),
    S3_MAX_ATTEMPTS(
            "s3.max-attempts",
            "5",
            "Attempts per s3:// read; throttling (SlowDown) and 5xx are retried with exponential backoff and jitter."),
    DECODE_RESIZE(
            "decode.resize",
            "auto",
            "auto (per preprocessing), stretch (whole image, as Keras) or shorter-side-crop (256 then centre 224, as torchvision)."),
    DECODE_INTERPOLATION(
            "decode.interpolation",
            "auto",
            "auto (per preprocessing), nearest (Keras) or bilinear (torchvision); resampling as PIL."),
    DECODE_EXIF_ORIENTATION(
            "decode.exif-orientation",
            "false",
            "Rotate/flip JPEGs per their EXIF orientation (Keras and PIL ignore it)."),
    DECODE_JPEG_REDUCE(
            "decode.jpeg-reduce",
            "false",
            "Decode JPEGs at least twice the size the resize needs at a reduced scale, then resize as usual: with libjpeg-turbo by DCT scaling (1/2, 1/4 or 1/8, as PIL's Image.draft), with ImageIO by subsampling and box averaging; faster on large photos, but the input is no longer PIL-exact, and the model identity records it (jpeg-reduce=dct or jpeg-reduce=subsample)."),
    DECODE_JPEG_DECODER(
            "decode.jpeg-decoder",
            "auto",
            "auto (libjpeg-turbo when libturbojpeg loads, else ImageIO with a warning), turbo (start-up fails without libturbojpeg) or imageio; both decode exactly as PIL."),
    DECODE_MAX_PIXELS(
            "decode.max-pixels",
            "50000000",
            "Images with more pixels are refused from their header (decompression bombs); bounds decode memory (~8 bytes a pixel)."),
    METRICS_BIND_ADDRESS(
            "metrics.bind-address",
            "0.0.0.0",
            "Address /metrics, /healthz and /readyz listen on: an IP address or a host name (resolved at start-up). 0.0.0.0 is every interface, IPv6 too where the host has it: Prometheus and the kubelet reach a pod on its own IP; 127.0.0.1 keeps them to this host."),
    METRICS_PORT("metrics.port", "9400", "Port of /metrics, /healthz and /readyz; -1 disables."),
    SHUTDOWN_TIMEOUT_MS("shutdown.timeout-ms", "30000", "On SIGTERM, time to finish the in-flight batch and commit."),
    TOPICS_CREATE("topics.create", "false", "Create missing topics at start-up."),
    TOPICS_PARTITIONS("topics.partitions", "6", "Partitions of topics created at start-up."),
    TOPICS_REPLICATION(
            "topics.replication-factor", "-1", "Replication factor of topics created at start-up; -1: broker default.");

    public static final String KAFKA_PREFIX = "kafka.";
    public static final String ENV_PREFIX = "FEATUREX_";

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    /** Null when the setting is required. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public String envName() {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String flag() {
        return "--" + key.replace('.', '-');
    }

    /** A problem with this setting's value, as every start-up problem is reported: key (flag, variable): message. */
    public String problem(String message) {
        return key + " (" + flag() + ", " + envName() + "): " + message;
    }

    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
