package io.featurex.worker.config;

import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.JpegBackend;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.decode.ResizePolicy;
import io.featurex.worker.fetch.FetchLimits;
import io.featurex.worker.fetch.S3Settings;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.infer.WeightsSource;
import io.featurex.worker.source.InputFormat;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The worker's whole configuration: immutable, and validated at construction, where every
 * problem is collected and reported at once. Values are never silently adjusted.
 */
public record WorkerConfig(
        String bootstrapServers,
        InputTopics inputs,
        String outputTopic,
        String deadLetterTopic,
        int deadLetterMaxOriginalBytes,
        int maxImagesPerRecord,
        String groupId,
        String workerId,
        Delivery delivery,
        ModelSpec model,
        BatchSizing batchMaxSize,
        Duration batchMaxDelay,
        int maxInFlight,
        int decodeThreads,
        int fetchConcurrency,
        long fetchBytesInFlight,
        FetchLimits fetchLimits,
        S3Settings s3,
        DecodeSpec decode,
        int metricsPort,
        Duration shutdownTimeout,
        boolean createTopics,
        int topicPartitions,
        short topicReplicationFactor,
        Map<String, String> kafka) {

    public WorkerConfig {
        kafka = Map.copyOf(kafka);
    }

    /** Validates raw values (by key; {@code kafka.*} pass through) into a configuration. */
    public static WorkerConfig from(Map<String, String> raw) {
        Parser p = new Parser(raw);
        String bootstrap = p.text(Setting.BOOTSTRAP_SERVERS);
        String output = p.topic(Setting.OUTPUT_TOPIC);
        String deadLetters = p.topic(Setting.DEAD_LETTER_TOPIC);
        InputTopics inputs = p.inputs();
        List<String> inputNames = p.list(Setting.INPUT_TOPIC);
        if (inputNames.contains(output) || inputNames.contains(deadLetters)) {
            p.problem(Setting.INPUT_TOPIC, "must differ from the output and dead-letter topics");
        }
        if (output != null && output.equals(deadLetters)) {
            p.problem(Setting.DEAD_LETTER_TOPIC, "must differ from the output topic");
        }
        String group = p.text(Setting.GROUP_ID);
        String workerId = p.raw(Setting.WORKER_ID);
        if (workerId == null || workerId.isBlank()) {
            workerId = defaultWorkerId();
        }
        Delivery delivery = p.choice(Setting.DELIVERY, Delivery.values(), Delivery::key);
        String weights = p.raw(Setting.MODEL_WEIGHTS);
        int seed = p.integer(Setting.MODEL_SEED, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int divisor = p.integer(Setting.MODEL_WIDTH_DIVISOR, 1, 64);
        if (divisor > 0 && 64 % divisor != 0) {
            p.problem(Setting.MODEL_WIDTH_DIVISOR, "must divide 64 (1, 2, 4, 8, 16, 32, 64), got " + divisor);
        }
        Optional<WeightsSource> format = p.auto(Setting.MODEL_WEIGHTS_FORMAT,
                new WeightsSource[] {WeightsSource.KERAS_H5, WeightsSource.TORCHSCRIPT, WeightsSource.DJL_PARAMS}, WeightsSource::key);
        if (format.isPresent() && weights.isBlank()) {
            p.problem(Setting.MODEL_WEIGHTS_FORMAT, "is set but model.weights is empty");
        }
        Optional<Preprocessing> preprocessing = p.auto(Setting.MODEL_PREPROCESSING, Preprocessing.values(), Preprocessing::key);
        Optional<ResizePolicy.Fit> fit = p.auto(Setting.DECODE_RESIZE, ResizePolicy.Fit.values(), ResizePolicy.Fit::key);
        Optional<ResizePolicy.Interpolation> interpolation =
                p.auto(Setting.DECODE_INTERPOLATION, ResizePolicy.Interpolation.values(), ResizePolicy.Interpolation::key);
        boolean exif = p.bool(Setting.DECODE_EXIF_ORIENTATION);
        boolean jpegReduce = p.bool(Setting.DECODE_JPEG_REDUCE);
        Optional<JpegBackend> jpegDecoder = p.auto(Setting.DECODE_JPEG_DECODER, JpegBackend.values(), JpegBackend::key);
        if (jpegDecoder.equals(Optional.of(JpegBackend.TURBO)) && DecodeSpec.turboMissing() != null) {
            p.problem(Setting.DECODE_JPEG_DECODER, "is turbo, but " + DecodeSpec.turboMissing()
                    + ": install libturbojpeg0 (Debian) or libturbojpeg (Ubuntu), or use auto or imageio");
        }
        String device = p.text(Setting.MODEL_DEVICE);
        if (device != null && !device.matches("auto|cpu|gpu|gpu:\\d+")) {
            p.problem(Setting.MODEL_DEVICE, "must be auto, cpu, gpu or gpu:N, got '" + device + "'");
        }
        Precision precision = p.choice(Setting.MODEL_PRECISION, Precision.values(), Precision::key);
        if (precision == Precision.FP16 && "cpu".equals(device)) {
            p.problem(Setting.MODEL_PRECISION, "fp16 runs on a GPU only, and model.device=cpu (use bf16 or fp32)");
        }
        OptionalInt fixedBatch = p.autoInteger(Setting.BATCH_MAX_SIZE, 1, 4096);
        int batchSize = fixedBatch.orElse(0);
        long autoBudgetMs = p.longValue(Setting.BATCH_AUTO_BUDGET_MS, 1, 600_000);
        long delayMs = p.longValue(Setting.BATCH_MAX_DELAY_MS, 0, 60_000);
        int maxInFlight = p.integer(Setting.PIPELINE_MAX_IN_FLIGHT, 1, 100_000);
        if (batchSize > 0 && maxInFlight > 0 && maxInFlight < batchSize) {
            p.problem(Setting.PIPELINE_MAX_IN_FLIGHT, "must be at least batch.max-size (" + batchSize + ") or batches never fill");
        }
        int decodeThreads = p.autoInteger(Setting.PIPELINE_DECODE_THREADS, 1, 1024)
                .orElse(Runtime.getRuntime().availableProcessors());
        int fetchConcurrency = p.integer(Setting.FETCH_MAX_CONCURRENCY, 1, 10_000);
        long fetchBytesInFlight = p.longValue(Setting.FETCH_MAX_BYTES_IN_FLIGHT, 1, Long.MAX_VALUE);
        long maxBytes = p.longValue(Setting.FETCH_MAX_BYTES, 1, Long.MAX_VALUE);
        // auto: the input topics' own limit is the only one (FetchLimits.NO_INLINE_LIMIT).
        OptionalLong inlineMaxSet = p.autoLong(Setting.FETCH_INLINE_MAX_BYTES, 1, Long.MAX_VALUE);
        long inlineMax = inlineMaxSet.orElse(FetchLimits.NO_INLINE_LIMIT);
        int maxOriginal = p.integer(Setting.DEAD_LETTER_MAX_ORIGINAL_BYTES, 0, Integer.MAX_VALUE - 1);
        int maxImagesPerRecord = p.integer(Setting.INPUT_MAX_IMAGES_PER_RECORD, 1, 1_000_000);
        long timeoutMs = p.longValue(Setting.FETCH_TIMEOUT_MS, 1, 3_600_000);
        List<Path> roots = new ArrayList<>();
        for (String root : p.list(Setting.FETCH_FILE_ROOTS)) {
            Path path = Path.of(root);
            if (!path.isAbsolute()) {
                p.problem(Setting.FETCH_FILE_ROOTS, "'" + root + "' is not an absolute path");
            }
            roots.add(path);
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (String host : p.list(Setting.FETCH_ALLOWED_HOSTS)) {
            hosts.add(host.toLowerCase(Locale.ROOT));
        }
        boolean allowPrivate = p.bool(Setting.FETCH_ALLOW_PRIVATE_ADDRESSES);
        S3Settings s3 = p.s3();
        long maxPixels = p.longValue(Setting.DECODE_MAX_PIXELS, 1, Long.MAX_VALUE);
        int metricsPort = p.integer(Setting.METRICS_PORT, -1, 65535);
        long shutdownMs = p.longValue(Setting.SHUTDOWN_TIMEOUT_MS, 0, 3_600_000);
        boolean create = p.bool(Setting.TOPICS_CREATE);
        int partitions = p.integer(Setting.TOPICS_PARTITIONS, 1, 100_000);
        int replication = p.integer(Setting.TOPICS_REPLICATION, -1, Short.MAX_VALUE);
        if (replication == 0) {
            p.problem(Setting.TOPICS_REPLICATION, "must be -1 (broker default) or at least 1");
        }
        Map<String, String> kafka = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(Setting.KAFKA_PREFIX)) {
                kafka.put(k.substring(Setting.KAFKA_PREFIX.length()), v);
            }
        });
        p.failIfProblems();
        return new WorkerConfig(
                bootstrap, inputs, output, deadLetters, maxOriginal, maxImagesPerRecord, group, workerId, delivery,
                new ModelSpec(weights.isBlank() ? Optional.empty() : Optional.of(Path.of(weights)), format, seed, divisor, preprocessing, device, precision),
                new BatchSizing(fixedBatch, false, Duration.ofMillis(autoBudgetMs)), Duration.ofMillis(delayMs), maxInFlight, decodeThreads,
                fetchConcurrency, fetchBytesInFlight, new FetchLimits(maxBytes, inlineMax, Duration.ofMillis(timeoutMs), roots, hosts, allowPrivate), s3,
                new DecodeSpec(fit, interpolation, exif, maxPixels, jpegReduce, jpegDecoder), metricsPort, Duration.ofMillis(shutdownMs), create, partitions, (short) replication, kafka);
    }

    /** fetch.inline-max-bytes where set; empty for auto (the input topics' own record limit is the only one). */
    public OptionalLong inlineMaxBytes() {
        long limit = fetchLimits.inlineMaxBytes();
        return limit == FetchLimits.NO_INLINE_LIMIT ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    /** The same configuration with the batch size measured at start-up in place of auto. */
    public WorkerConfig withMeasuredBatchSize(int size) {
        return new WorkerConfig(bootstrapServers, inputs, outputTopic, deadLetterTopic, deadLetterMaxOriginalBytes,
                maxImagesPerRecord, groupId, workerId, delivery, model,
                batchMaxSize.measured(size), batchMaxDelay, maxInFlight, decodeThreads, fetchConcurrency, fetchBytesInFlight, fetchLimits, s3, decode, metricsPort,
                shutdownTimeout, createTopics, topicPartitions, topicReplicationFactor, kafka);
    }

    /**
     * Host name and process id: unique among the workers of one host, and stable when a container
     * restarts its process (same pod name, pid 1), so the restarted worker's transactional id
     * fences its predecessor's unfinished transaction at once instead of waiting it out.
     */
    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** Reads raw values by setting, recording every problem instead of stopping at the first. */
    private static final class Parser {
        private static final String TOPIC_NAME = "[a-zA-Z0-9._-]{1,249}";
        private final Map<String, String> raw;
        private final List<String> problems = new ArrayList<>();

        Parser(Map<String, String> raw) {
            this.raw = raw;
        }

        void problem(Setting s, String message) {
            problems.add(s.problem(message));
        }

        void failIfProblems() {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }

        String raw(Setting s) {
            String v = raw.get(s.key());
            return v != null ? v.trim() : s.defaultValue();
        }

        String text(Setting s) {
            String v = raw(s);
            if (v == null || v.isBlank()) {
                problem(s, "is required");
                return null;
            }
            return v;
        }

        String topic(Setting s) {
            String v = text(s);
            if (v != null && !v.matches(TOPIC_NAME)) {
                problem(s, "'" + v + "' is not a valid topic name (letters, digits, '.', '_', '-')");
            }
            return v;
        }

        /** input.topic and input.format together: every topic gets exactly one known format. */
        InputTopics inputs() {
            List<String> topics = list(Setting.INPUT_TOPIC);
            if (topics.isEmpty()) {
                problem(Setting.INPUT_TOPIC, "is required");
                return null;
            }
            for (String topic : topics) {
                if (!topic.matches(TOPIC_NAME)) {
                    problem(Setting.INPUT_TOPIC, "'" + topic + "' is not a valid topic name (letters, digits, '.', '_', '-')");
                }
            }
            InputFormat fallback = null;
            boolean unknownFallback = false;
            Set<String> unknown = new HashSet<>();
            Map<String, InputFormat> named = new LinkedHashMap<>();
            for (String part : list(Setting.INPUT_FORMAT)) {
                int eq = part.indexOf('=');
                String topic = eq < 0 ? null : part.substring(0, eq).trim();
                String name = eq < 0 ? part : part.substring(eq + 1).trim();
                InputFormat format = InputFormat.byKey(name);
                if (format == null) {
                    problem(Setting.INPUT_FORMAT, "unknown format '" + name + "' (" + Arrays.stream(InputFormat.values()).map(InputFormat::key).toList() + ")");
                    if (topic == null) {
                        unknownFallback = true;
                    } else {
                        unknown.add(topic);
                    }
                } else if (topic == null && fallback != null) {
                    problem(Setting.INPUT_FORMAT, "more than one default format (" + fallback.key() + ", " + name + ")");
                } else if (topic == null) {
                    fallback = format;
                } else if (!topics.contains(topic)) {
                    problem(Setting.INPUT_FORMAT, "names topic '" + topic + "', which is not in input.topic " + topics);
                } else if (named.put(topic, format) != null) {
                    problem(Setting.INPUT_FORMAT, "names topic '" + topic + "' twice");
                }
            }
            Map<String, InputFormat> formats = new LinkedHashMap<>();
            for (String topic : topics) {
                InputFormat format = named.getOrDefault(topic, fallback);
                if (format == null && !unknown.contains(topic) && !unknownFallback) {
                    problem(Setting.INPUT_FORMAT, "gives no format for topic '" + topic + "' (add " + topic + "=FORMAT, or a default)");
                } else if (format != null) {
                    formats.put(topic, format);
                }
            }
            return formats.isEmpty() ? null : new InputTopics(formats);
        }

        S3Settings s3() {
            String endpointText = raw(Setting.S3_ENDPOINT);
            Optional<URI> endpoint = Optional.empty();
            if (!endpointText.isBlank()) {
                try {
                    URI uri = new URI(endpointText);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                        problem(Setting.S3_ENDPOINT, "must be an http(s)://host[:port] URL, got '" + endpointText + "'");
                    }
                    endpoint = Optional.of(uri);
                } catch (URISyntaxException e) {
                    problem(Setting.S3_ENDPOINT, "'" + endpointText + "' is not a URL: " + e.getMessage());
                }
            }
            String region = raw(Setting.S3_REGION);
            if (!region.isBlank() && !region.matches("[a-z0-9-]+")) {
                problem(Setting.S3_REGION, "'" + region + "' is not a region name such as eu-west-1");
            }
            boolean pathStyle = bool(Setting.S3_PATH_STYLE);
            int attempts = integer(Setting.S3_MAX_ATTEMPTS, 1, 20);
            return new S3Settings(endpoint, region.isBlank() ? Optional.empty() : Optional.of(region), pathStyle, attempts);
        }

        long longValue(Setting s, long min, long max) {
            String v = raw(s);
            try {
                long n = Long.parseLong(v);
                if (n < min || n > max) {
                    problem(s, "must be between " + min + " and " + max + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                problem(s, "'" + v + "' is not a whole number");
                return 0;
            }
        }

        int integer(Setting s, int min, int max) {
            return (int) longValue(s, min, max);
        }

        /** A whole number, or "auto" (empty). */
        OptionalLong autoLong(Setting s, long min, long max) {
            if (raw(s).equals("auto")) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(longValue(s, min, max));
        }

        /** A whole number, or "auto" (empty). */
        OptionalInt autoInteger(Setting s, int min, int max) {
            String v = raw(s);
            if (v.equals("auto")) {
                return OptionalInt.empty();
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    problem(s, "must be auto or between " + min + " and " + max + ", got " + n);
                }
                return OptionalInt.of(Math.max(n, min));
            } catch (NumberFormatException e) {
                problem(s, "must be auto or a whole number, got '" + v + "'");
                return OptionalInt.empty();
            }
        }

        boolean bool(Setting s) {
            String v = raw(s).toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                problem(s, "must be true or false, got '" + v + "'");
            }
            return v.equals("true");
        }

        List<String> list(Setting s) {
            return Arrays.stream(raw(s).split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        }

        /** A choice where "auto" (empty) leaves the decision to what is loaded. */
        <E> Optional<E> auto(Setting s, E[] options, Function<E, String> key) {
            String v = raw(s);
            if (v.equals("auto")) {
                return Optional.empty();
            }
            for (E option : options) {
                if (key.apply(option).equals(v)) {
                    return Optional.of(option);
                }
            }
            List<String> valid = new ArrayList<>(List.of("auto"));
            Arrays.stream(options).map(key).forEach(valid::add);
            problem(s, "must be one of " + valid + ", got '" + v + "'");
            return Optional.empty();
        }

        <E> E choice(Setting s, E[] options, Function<E, String> key) {
            String v = raw(s);
            for (E option : options) {
                if (key.apply(option).equals(v)) {
                    return option;
                }
            }
            problem(s, "must be one of " + Arrays.stream(options).map(key).toList() + ", got '" + v + "'");
            return options[0];
        }
    }
}
