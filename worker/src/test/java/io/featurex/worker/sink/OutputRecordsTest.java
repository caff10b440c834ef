package io.featurex.worker.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.v1.ModelIdentity;
import io.featurex.v1.SourceCoordinates;
import io.featurex.worker.BadInputException;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.ModelInfo;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.infer.WeightsSource;
import java.time.Instant;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class OutputRecordsTest {

    @Test
    void theModelIdentityCarriesTheRealPrecisionSoPrecisionsNeverMix() {
        ModelIdentity fp32 = OutputRecords.identity(info(Precision.FP32), "");
        ModelIdentity bf16 = OutputRecords.identity(info(Precision.BF16), "");
        ModelIdentity fp16 = OutputRecords.identity(info(Precision.FP16), "");
        assertThat(fp32.getPrecision()).isEqualTo(ModelIdentity.Precision.FP32);
        assertThat(bf16.getPrecision()).isEqualTo(ModelIdentity.Precision.BF16);
        assertThat(fp16.getPrecision()).isEqualTo(ModelIdentity.Precision.FP16);
        assertThat(bf16).isNotEqualTo(fp32); // the index compares whole identities
    }

    @Test
    void anInt8IdentityCarriesItsCalibrationSoTwoCalibrationsNeverMix() {
        ModelInfo fp32 = info(Precision.FP32);
        ModelInfo a = new ModelInfo(
                fp32.architecture(),
                fp32.weightsSource(),
                fp32.weightsDigest(),
                fp32.preprocessing(),
                Precision.INT8,
                224,
                512,
                "cpu()",
                "sha256:aa");
        ModelIdentity int8 = OutputRecords.identity(a, "");
        assertThat(int8.getPrecision()).isEqualTo(ModelIdentity.Precision.INT8);
        assertThat(int8.getCalibrationDigest()).isEqualTo("sha256:aa");
        assertThat(OutputRecords.identity(fp32, "").getCalibrationDigest()).isEmpty();
        ModelInfo b = new ModelInfo(
                a.architecture(),
                a.weightsSource(),
                a.weightsDigest(),
                a.preprocessing(),
                Precision.INT8,
                224,
                512,
                "cpu()",
                "sha256:bb");
        assertThat(OutputRecords.identity(b, "")).isNotEqualTo(int8);
    }

    @Test
    void theModelIdentityCarriesHowImagesWereDecoded() {
        ModelIdentity framework = OutputRecords.identity(info(Precision.FP32), "");
        ModelIdentity reduced = OutputRecords.identity(info(Precision.FP32), "jpeg-reduce");
        assertThat(framework.getDecode()).isEmpty();
        assertThat(reduced.getDecode()).isEqualTo("jpeg-reduce");
        assertThat(reduced).isNotEqualTo(framework);
    }

    private static final SourceCoordinates SOURCE = OutputRecords.coordinates("in", 0, 7);

    @Test
    void aFeatureJustWithinItsTopicsLimitIsAFeatureAndOneByteMoreIsAnOutputTooLargeDeadLetter() throws Exception {
        RecordLimit features = new RecordLimit("f", 10_000, 1 << 20);
        OutputRecords records = new OutputRecords(
                features, new RecordLimit("d", 1 << 20, 1 << 20), 1 << 16, "w", info(Precision.FP32), "");
        // The longest attribute that still fits, found by growing it.
        int fits = 0;
        while (records.feature("id", ref(fits + 1), SOURCE, new float[512], NOW, null, new byte[0])
                .isFeature()) {
            fits++;
        }
        Output largest = records.feature("id", ref(fits), SOURCE, new float[512], NOW, null, new byte[0]);
        assertThat(largest.isFeature()).isTrue();
        assertThat(RecordLimit.sizeOf(largest))
                .isLessThanOrEqualTo(features.maxRecordBytes())
                .isGreaterThan(features.maxRecordBytes() - 8);
        byte[] input = ref(fits + 1).toByteArray();
        Output over = records.feature("id", ref(fits + 1), SOURCE, new float[512], NOW, null, input);
        assertThat(over.isFeature()).isFalse();
        assertThat(over.topic()).isEqualTo("d");
        DeadLetter letter = DeadLetter.parseFrom(over.value());
        assertThat(letter.getCode()).isEqualTo(ErrorCode.OUTPUT_TOO_LARGE);
        assertThat(letter.getOriginalValue().toByteArray()).isEqualTo(input);
        assertThat(letter.getOriginalTruncated()).isFalse();
    }

    @Test
    void aDeadLetterCarriesTheInputUpToItsLimitAndWhatItsTopicTakesAndSaysSo() throws Exception {
        RecordLimit deadLetters = new RecordLimit("d", 50_000, 1 << 20);
        OutputRecords records = new OutputRecords(
                new RecordLimit("f", 1 << 20, 1 << 20), deadLetters, 20_000, "w", info(Precision.FP32), "");
        BadInputException error = new BadInputException(ErrorCode.UNDECODABLE_IMAGE, "not an image");

        byte[] small = new byte[19_000];
        DeadLetter whole = DeadLetter.parseFrom(
                records.deadLetter("a", "", error, SOURCE, null, small, NOW).value());
        assertThat(whole.getOriginalValue().size()).isEqualTo(19_000);
        assertThat(whole.getOriginalTruncated()).isFalse();
        assertThat(whole.getOriginalValueSize()).isEqualTo(19_000);

        byte[] large = new byte[30_000];
        large[0] = 42;
        DeadLetter capped = DeadLetter.parseFrom(records.deadLetter("a", "", error, SOURCE, "k".getBytes(), large, NOW)
                .value());
        assertThat(capped.getOriginalValue().size()).isEqualTo(20_000);
        assertThat(capped.getOriginalValue().byteAt(0)).isEqualTo((byte) 42);
        assertThat(capped.getOriginalTruncated()).isTrue();
        assertThat(capped.getOriginalValueSize()).isEqualTo(30_000);
        assertThat(capped.getOriginalKey().toStringUtf8()).isEqualTo("k");

        // Texts that alone exceed the topic: cut short, the coordinates kept.
        String hugeId = "i".repeat(60_000);
        Output shrunk = records.deadLetter(
                hugeId,
                "u".repeat(60_000),
                new BadInputException(ErrorCode.FETCH_FAILED, "m".repeat(60_000)),
                SOURCE,
                new byte[60_000],
                large,
                NOW);
        assertThat(deadLetters.fits(shrunk)).isTrue();
        DeadLetter letter = DeadLetter.parseFrom(shrunk.value());
        assertThat(letter.getId()).hasSize(OutputRecords.SHORT_TEXT).startsWith("iii");
        assertThat(letter.getMessage()).hasSize(OutputRecords.SHORT_TEXT);
        assertThat(letter.getSourceUri()).hasSize(OutputRecords.SHORT_TEXT);
        assertThat(letter.getSource()).isEqualTo(SOURCE);
        assertThat(letter.getOriginalTruncated()).isTrue();
        assertThat(letter.getOriginalKeySize()).isEqualTo(60_000);
        assertThat(letter.getOriginalValue().size()).isEqualTo(20_000);
    }

    @Test
    void theOutputStandingInForARefusedOneNamesItsInputAndIsSmall() throws Exception {
        OutputRecords records = new OutputRecords(
                new RecordLimit("f", 1 << 20, 1 << 20),
                new RecordLimit("d", 1 << 20, 1 << 20),
                1 << 16,
                "w",
                info(Precision.FP32),
                "");
        Output feature = records.feature("img", ref(100_000), SOURCE, new float[512], NOW, null, new byte[0]);
        Output refused = records.refused(feature, new RecordTooLargeException("too large"));
        DeadLetter letter = DeadLetter.parseFrom(refused.value());
        assertThat(refused.topic()).isEqualTo("d");
        assertThat(letter.getCode()).isEqualTo(ErrorCode.OUTPUT_TOO_LARGE);
        assertThat(letter.getId()).isEqualTo("img");
        assertThat(letter.getSource()).isEqualTo(SOURCE);
        assertThat(letter.getMessage()).contains("refused its feature").contains("too large");
        assertThat(refused.value().length).isLessThan(1_000);
    }

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    private static ImageRef ref(int attributeLength) {
        return ImageRef.newBuilder()
                .setUri("file:///x.jpg")
                .putAttributes("a", "x".repeat(attributeLength))
                .build();
    }

    private static ModelInfo info(Precision precision) {
        return new ModelInfo(
                "vgg16-notop-avgpool",
                WeightsSource.KERAS_H5,
                "sha256:ab",
                Preprocessing.CAFFE,
                precision,
                224,
                512,
                "cpu()");
    }
}
