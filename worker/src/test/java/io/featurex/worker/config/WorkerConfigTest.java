package io.featurex.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.JpegBackend;
import io.featurex.worker.fetch.S3Settings;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.source.InputFormat;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {

    @Test
    void defaultsNeedOnlyTheBootstrapServers() {
        WorkerConfig config = WorkerConfig.from(Map.of("bootstrap.servers", "localhost:9092"));
        assertThat(config.inputs().names()).containsExactly("featurex.images");
        assertThat(config.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(config.model().weights()).isEmpty();
        assertThat(config.batchMaxDelay()).isEqualTo(Duration.ZERO);
        assertThat(config.fetchLimits().fileRoots()).isEmpty();
        assertThat(config.fetchLimits().allowPrivateAddresses()).isFalse();
        assertThat(config.workerId()).isNotBlank();
        assertThat(config.batchMaxSize().undecided())
                .as("batch.max-size defaults to auto")
                .isTrue();
        assertThat(config.batchMaxSize().autoBudget()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.model().precision()).isEqualTo(Precision.FP32);
    }

    @Test
    void aNumberSkipsTheMeasurementAndAMeasuredSizeIsRecordedAsSuch() {
        WorkerConfig fixed = WorkerConfig.from(Map.of("bootstrap.servers", "b:9092", "batch.max-size", "4"));
        assertThat(fixed.batchMaxSize().undecided()).isFalse();
        assertThat(fixed.batchMaxSize().resolved()).isEqualTo(4);
        assertThat(fixed.batchMaxSize().measured()).isFalse();
        WorkerConfig auto = WorkerConfig.from(Map.of("bootstrap.servers", "b:9092", "batch.auto-budget-ms", "5000"));
        assertThatThrownBy(() -> auto.batchMaxSize().resolved()).isInstanceOf(IllegalStateException.class);
        WorkerConfig measured = auto.withMeasuredBatchSize(2);
        assertThat(measured.batchMaxSize().resolved()).isEqualTo(2);
        assertThat(measured.batchMaxSize().measured()).isTrue();
        assertThat(measured.batchMaxSize().autoBudget()).isEqualTo(Duration.ofSeconds(5));
        assertThat(measured.withMeasuredBatchSize(2)).isEqualTo(measured);
        assertThat(measured)
                .as("every other field copied")
                .usingRecursiveComparison()
                .ignoringFields("pipeline.batchMaxSize")
                .isEqualTo(auto);
    }

    @Test
    void precisionProblemsAreReportedWithTheOthers() {
        Map<String, String> raw = new HashMap<>();
        raw.put("bootstrap.servers", "b:9092");
        raw.put("model.precision", "fp16");
        raw.put("model.device", "cpu");
        raw.put("batch.max-size", "many");
        raw.put("batch.auto-budget-ms", "0");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> WorkerConfig.from(raw));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage())
                .contains("model.precision", "fp16 runs on a GPU only")
                .contains("batch.max-size", "must be auto or a whole number, got 'many'")
                .contains("batch.auto-budget-ms", "between 1 and 600000");
        raw.put("model.precision", "fp64");
        raw.remove("batch.max-size");
        raw.remove("batch.auto-budget-ms");
        assertThat(catchThrowableOfType(ConfigException.class, () -> WorkerConfig.from(raw))
                        .getMessage())
                .contains("must be one of [fp32, bf16, fp16, int8], got 'fp64'");
        raw.put("model.precision", "bf16");
        assertThat(WorkerConfig.from(raw).model().precision()).isEqualTo(Precision.BF16);
    }

    @Test
    void int8ProblemsAreAllReportedAtOnce() {
        Map<String, String> raw = new HashMap<>();
        raw.put("bootstrap.servers", "b:9092");
        raw.put("model.precision", "int8");
        raw.put("model.device", "gpu");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> WorkerConfig.from(raw));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.getMessage())
                .contains("int8 runs on a CPU only, and model.device=gpu")
                .contains("int8 needs model.weights", "tools/int8/quantize_vgg16.py");
        raw.put("model.device", "cpu");
        raw.put("model.weights", "src/test/resources/int8/vgg16-w8-int8.torchscript.pt");
        raw.put("model.weights-format", "keras-h5");
        assertThat(catchThrowableOfType(ConfigException.class, () -> WorkerConfig.from(raw))
                        .getMessage())
                .contains("int8 needs an INT8 TorchScript file", "model.weights-format=keras-h5");
        raw.remove("model.weights-format");
        assertThat(WorkerConfig.from(raw).model().precision()).isEqualTo(Precision.INT8);
    }

    @Test
    void theReducedJpegDecodeIsOptIn() {
        assertThat(WorkerConfig.from(Map.of("bootstrap.servers", "b:9092"))
                        .decode()
                        .jpegReduce())
                .isFalse();
        assertThat(WorkerConfig.from(Map.of("bootstrap.servers", "b:9092", "decode.jpeg-reduce", "true"))
                        .decode()
                        .jpegReduce())
                .isTrue();
        assertThat(catchThrowableOfType(
                                ConfigException.class,
                                () -> WorkerConfig.from(
                                        Map.of("bootstrap.servers", "b:9092", "decode.jpeg-reduce", "yes")))
                        .getMessage())
                .contains("decode.jpeg-reduce", "--decode-jpeg-reduce", "must be true or false, got 'yes'");
    }

    @Test
    void theJpegDecoderIsChosenOrLeftToWhatLoads() {
        assertThat(WorkerConfig.from(Map.of("bootstrap.servers", "b:9092"))
                        .decode()
                        .jpegDecoder())
                .isEmpty();
        assertThat(WorkerConfig.from(Map.of("bootstrap.servers", "b:9092", "decode.jpeg-decoder", "imageio"))
                        .decode()
                        .jpegDecoder())
                .contains(JpegBackend.IMAGEIO);
        assertThat(catchThrowableOfType(
                                ConfigException.class,
                                () -> WorkerConfig.from(
                                        Map.of("bootstrap.servers", "b:9092", "decode.jpeg-decoder", "libjpeg")))
                        .getMessage())
                .contains(
                        "decode.jpeg-decoder",
                        "--decode-jpeg-decoder",
                        "must be one of [auto, turbo, imageio], got 'libjpeg'");
    }

    /** turbo where libturbojpeg does not load fails at start-up, as every other bad setting does. */
    @Test
    void turboIsAcceptedExactlyWhereItsLibraryLoads() {
        Map<String, String> raw = Map.of("bootstrap.servers", "b:9092", "decode.jpeg-decoder", "turbo");
        String missing = DecodeSpec.turboMissing();
        if (missing == null) {
            assertThat(WorkerConfig.from(raw).decode().jpegBackend()).isEqualTo(JpegBackend.TURBO);
        } else {
            assertThat(catchThrowableOfType(ConfigException.class, () -> WorkerConfig.from(raw))
                            .getMessage())
                    .contains(
                            "decode.jpeg-decoder",
                            "is turbo, but libturbojpeg could not be loaded",
                            "install libturbojpeg0");
        }
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, String> raw = new HashMap<>();
        raw.put("batch.max-size", "0");
        raw.put("delivery", "maybe-once");
        raw.put("model.preprocessing", "tensorflow");
        raw.put("fetch.timeout-ms", "soon");
        raw.put("model.width-divisor", "3");
        raw.put("fetch.file-roots", "relative/dir");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> WorkerConfig.from(raw));
        assertThat(e.problems()).hasSize(7);
        assertThat(e.getMessage())
                .contains("bootstrap.servers", "is required")
                .contains("batch.max-size", "between 1 and 4096")
                .contains("delivery", "maybe-once")
                .contains("model.preprocessing", "tensorflow")
                .contains("fetch.timeout-ms", "'soon' is not a whole number")
                .contains("model.width-divisor", "must divide 64")
                .contains("relative/dir", "not an absolute path");
    }

    @Test
    void eachInputTopicGetsItsFormat() {
        WorkerConfig config = WorkerConfig.from(Map.of(
                "bootstrap.servers",
                "b:9092",
                "input.topic",
                "refs, bucket-events,urls",
                "input.format",
                "bucket-events=s3-event, protobuf, urls=uri"));
        assertThat(config.inputs().names()).containsExactly("refs", "bucket-events", "urls");
        assertThat(config.inputs().formatOf("refs")).isEqualTo(InputFormat.PROTOBUF);
        assertThat(config.inputs().formatOf("bucket-events")).isEqualTo(InputFormat.S3_EVENT);
        assertThat(config.inputs().formatOf("urls")).isEqualTo(InputFormat.URI);
        assertThat(config.inputs()).hasToString("refs (protobuf), bucket-events (s3-event), urls (uri)");
    }

    @Test
    void inputFormatProblemsAreNamed() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> WorkerConfig.from(Map.of(
                        "bootstrap.servers",
                        "b:9092",
                        "input.topic",
                        "a,b,c,featurex.features",
                        "input.format",
                        "a=avro,b=json,d=uri,b=uri")));
        assertThat(e.getMessage())
                .contains("unknown format 'avro'")
                .contains("names topic 'd', which is not in input.topic")
                .contains("names topic 'b' twice")
                .contains("gives no format for topic 'c'")
                .contains("must differ from the output and dead-letter topics");
    }

    @Test
    void s3SettingsAreValidated() {
        WorkerConfig config = WorkerConfig.from(Map.of(
                "bootstrap.servers",
                "b:9092",
                "s3.endpoint",
                "http://minio:9000",
                "s3.path-style",
                "true",
                "s3.region",
                "eu-west-1"));
        assertThat(config.s3().endpoint()).contains(URI.create("http://minio:9000"));
        assertThat(config.s3().region()).contains("eu-west-1");
        assertThat(config.s3().pathStyle()).isTrue();
        assertThat(WorkerConfig.from(Map.of("bootstrap.servers", "b:9092")).s3())
                .isEqualTo(S3Settings.DEFAULTS);

        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> WorkerConfig.from(Map.of(
                        "bootstrap.servers",
                        "b:9092",
                        "s3.endpoint",
                        "minio:9000",
                        "s3.region",
                        "EU West",
                        "s3.max-attempts",
                        "0")));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage())
                .contains("s3.endpoint", "http(s)://")
                .contains("s3.region")
                .contains("s3.max-attempts");
    }

    @Test
    void kafkaPropertiesPassThroughWithoutPrefix() {
        WorkerConfig config =
                WorkerConfig.from(Map.of("bootstrap.servers", "b:9092", "kafka.security.protocol", "SASL_SSL"));
        assertThat(config.kafka()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("featurex.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\ngroup.id=from-file\ninput.topic=file-topic\n");
        ConfigSources sources = new ConfigSources()
                .file(file)
                .environment(
                        Map.of("FEATUREX_GROUP_ID", "from-env", "FEATUREX_INPUT_TOPIC", "env-topic", "PATH", "/bin"))
                .flags(Map.of("input.topic", "flag-topic"));
        assertThat(sources.problems()).isEmpty();
        WorkerConfig config = WorkerConfig.from(sources.values());
        assertThat(config.bootstrapServers()).isEqualTo("file:9092");
        assertThat(config.groupId()).isEqualTo("from-env");
        assertThat(config.inputs().names()).containsExactly("flag-topic");
    }

    @Test
    void unknownKeysAreReportedAsTyposWithASuggestion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("featurex.properties");
        Files.writeString(file, "bootstrap.server=x:9092\n");
        ConfigSources sources = new ConfigSources().file(file).environment(Map.of("FEATUREX_BATCH_MAX_SIZ", "4"));
        assertThat(sources.problems()).hasSize(2);
        assertThat(sources.problems().get(0)).contains("bootstrap.server", "did you mean bootstrap.servers?");
        assertThat(sources.problems().get(1))
                .contains("FEATUREX_BATCH_MAX_SIZ", "did you mean FEATUREX_BATCH_MAX_SIZE?");
    }

    @Test
    void theLayersProblemsAndTheValuesProblemsAreReportedTogether(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("featurex.properties");
        Files.writeString(file, "bootstrap.server=x:9092\n");
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ConfigSources.layered(
                                file, Map.of("FEATUREX_BATCH_MAX_SIZE", "0"), Map.of("delivery", "maybe-once"))
                        .workerConfig());
        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems().get(0)).contains("bootstrap.server", "did you mean bootstrap.servers?");
        assertThat(e.getMessage())
                .contains("bootstrap.servers", "is required")
                .contains("batch.max-size", "between 1 and 4096")
                .contains("delivery", "maybe-once");
        assertThat(ConfigSources.layered(null, Map.of("FEATUREX_BOOTSTRAP_SERVERS", "env:9092"), Map.of())
                        .workerConfig()
                        .bootstrapServers())
                .isEqualTo("env:9092");
    }

    @Test
    void everySettingHasADefaultThatValidatesExceptTheRequiredOne() {
        Map<String, String> raw = new HashMap<>();
        for (Setting s : Setting.values()) {
            if (s.defaultValue() == null) {
                raw.put(s.key(), "host:1");
            }
        }
        WorkerConfig.from(raw);
        assertThat(Setting.byKey("bootstrap.servers")).isEqualTo(Setting.BOOTSTRAP_SERVERS);
        assertThat(Setting.BATCH_MAX_SIZE.envName()).isEqualTo("FEATUREX_BATCH_MAX_SIZE");
        assertThat(Setting.BATCH_MAX_SIZE.flag()).isEqualTo("--batch-max-size");
    }
}
