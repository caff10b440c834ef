package io.featurex.worker.sink;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.v1.ModelIdentity;
import io.featurex.v1.SourceCoordinates;
import io.featurex.worker.BadInputException;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.ModelInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * Builds the output messages of one worker: features and dead letters, keyed by image id. Every
 * output it returns fits its topic ({@link RecordLimit}): a feature that would not becomes an
 * {@code OUTPUT_TOO_LARGE} dead letter, and a dead letter that would not carries a prefix of the
 * input's bytes (flagged, with their full sizes) and shortened texts. No input can make an output
 * the broker refuses, so none can stop the worker.
 */
public final class OutputRecords {

    /** Texts (message, uri, id) are cut to this many characters when a dead letter must shrink. */
    static final int SHORT_TEXT = 1024;

    private final RecordLimit features;
    private final RecordLimit deadLetters;
    private final int maxOriginalBytes;
    private final String workerId;
    private final ModelIdentity model;

    /**
     * @param decode           how images are decoded, where it differs from the framework's way ({@code DecodeSpec.identity})
     * @param maxOriginalBytes the most of an input's value (and as much of its key) a dead letter carries
     */
    public OutputRecords(
            RecordLimit features,
            RecordLimit deadLetters,
            int maxOriginalBytes,
            String workerId,
            ModelInfo info,
            String decode) {
        this.features = features;
        this.deadLetters = deadLetters;
        this.maxOriginalBytes = maxOriginalBytes;
        this.workerId = workerId;
        this.model = identity(info, decode);
    }

    public ModelIdentity model() {
        return model;
    }

    /**
     * The feature, or an {@code OUTPUT_TOO_LARGE} dead letter where the feature record would be
     * larger than its topic takes (attributes are echoed, so an input can carry more than fits).
     *
     * @param key, value the input record's, for that dead letter
     */
    public Output feature(
            String id, ImageRef ref, SourceCoordinates source, float[] vector, Instant now, byte[] key, byte[] value) {
        FeatureVector.Builder message = FeatureVector.newBuilder()
                .setId(id)
                .setSourceUri(ref.getUri())
                .setDimension(vector.length)
                .setModel(model)
                .setSource(source)
                .setExtractedTime(timestamp(now))
                .putAllAttributes(ref.getAttributesMap())
                .setWorkerId(workerId);
        for (float v : vector) {
            message.addValues(v);
        }
        if (ref.hasEventTime()) {
            message.setEventTime(ref.getEventTime());
        }
        Output feature =
                new Output(features.topic(), utf8(id), message.build().toByteArray(), List.of(), id, source, null);
        if (features.fits(feature)) {
            return feature;
        }
        long attributes = ref.getAttributesMap().entrySet().stream()
                .mapToLong(e -> e.getKey().length() + (long) e.getValue().length())
                .sum();
        BadInputException tooLarge = new BadInputException(
                ErrorCode.OUTPUT_TOO_LARGE,
                "its feature record would be about "
                        + RecordLimit.sizeOf(feature) + " bytes (attributes " + attributes + " characters, id "
                        + id.length()
                        + ", uri " + ref.getUri().length() + "), and " + features.describe());
        return deadLetter(id, ref.getUri(), tooLarge, source, key, value, now);
    }

    /**
     * A dead letter, with the headers of Kafka Connect's dead-letter-queue convention
     * ({@code __connect.errors.*}), so tools built for Connect DLQs read ours too. It carries the
     * input's bytes up to {@code maxOriginalBytes} and as far as its topic allows.
     */
    public Output deadLetter(
            String id,
            String uri,
            BadInputException error,
            SourceCoordinates source,
            byte[] key,
            byte[] value,
            Instant now) {
        byte[] originalKey = key == null ? new byte[0] : key;
        byte[] originalValue = value == null ? new byte[0] : value;
        Letter full = deadLetter(id, uri, error, source, originalKey, originalValue, now, false);
        boolean longTexts = Math.max(id.length(), Math.max(error.getMessage().length(), uri == null ? 0 : uri.length()))
                > SHORT_TEXT;
        if (full != null && !(longTexts && full.truncated())) {
            return full.output();
        }
        // The texts crowd out the input's bytes (or do not fit at all): shorten them.
        Letter shortened = deadLetter(id, uri, error, source, originalKey, originalValue, now, true);
        if (shortened != null) {
            return shortened.output();
        }
        throw new IllegalStateException(
                "a dead letter without the input's bytes does not fit: " + deadLetters.describe());
    }

    /**
     * The smallest dead letter for an output the broker refused although it was measured to fit
     * (the topic's limit was lowered while the worker ran, say): code, coordinates and why.
     */
    public Output refused(Output output, Exception cause) {
        String what = output.isFeature() ? "feature" : "dead letter (" + output.code() + ")";
        BadInputException error = new BadInputException(
                ErrorCode.OUTPUT_TOO_LARGE,
                "the broker refused its " + what + " of about " + RecordLimit.sizeOf(output) + " bytes: "
                        + cause.getMessage());
        return deadLetter(output.id(), "", error, output.source(), null, null, Instant.now());
    }

    private record Letter(Output output, boolean truncated) {}

    /** @return null when it does not fit */
    private Letter deadLetter(
            String id,
            String uri,
            BadInputException error,
            SourceCoordinates source,
            byte[] key,
            byte[] value,
            Instant now,
            boolean shorten) {
        String outId = shorten ? cut(id) : id;
        String message = shorten ? cut(error.getMessage()) : error.getMessage();
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        List<Header> headers = List.of(
                Output.header("__connect.errors.topic", source.getTopic()),
                Output.header("__connect.errors.partition", Integer.toString(source.getPartition())),
                Output.header("__connect.errors.offset", Long.toString(source.getOffset())),
                Output.header(
                        "__connect.errors.exception.class.name",
                        cause.getClass().getName()),
                Output.header("__connect.errors.exception.message", cut(message)),
                Output.header("featurex.error.code", error.code().name()),
                Output.header("featurex.worker.id", workerId));
        byte[] outKey = utf8(outId);
        int keyBytes = Math.min(key.length, shorten ? Math.min(SHORT_TEXT, maxOriginalBytes) : maxOriginalBytes);
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setCode(error.code())
                .setMessage(message)
                .setSource(source)
                .setWorkerId(workerId)
                .setTime(timestamp(now))
                .setId(outId)
                .setSourceUri(uri == null ? "" : shorten ? cut(uri) : uri)
                .setOriginalKey(ByteString.copyFrom(key, 0, keyBytes))
                .setOriginalValueSize(value.length)
                .setOriginalKeySize(key.length)
                .setOriginalTruncated(true); // reserves the flag's bytes; cleared below when all fits
        // Room for the value: what the record may carry, less the rest of the message, less the
        // value field's own tag and length.
        long room = deadLetters.maxValueBytes(outKey.length, headers)
                - letter.build().getSerializedSize()
                - 1
                - 5;
        int valueBytes = (int) Math.max(0, Math.min(Math.min(value.length, maxOriginalBytes), room));
        if (room < 0) {
            return null;
        }
        letter.setOriginalValue(ByteString.copyFrom(value, 0, valueBytes));
        boolean truncated = valueBytes < value.length || keyBytes < key.length;
        letter.setOriginalTruncated(truncated);
        Output out = new Output(
                deadLetters.topic(), outKey, letter.build().toByteArray(), headers, id, source, error.code());
        return deadLetters.fits(out) ? new Letter(out, truncated) : null;
    }

    private static String cut(String text) {
        if (text == null || text.length() <= SHORT_TEXT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(SHORT_TEXT - 2)) ? SHORT_TEXT - 2 : SHORT_TEXT - 1;
        return text.substring(0, end) + "\u2026";
    }

    public static SourceCoordinates coordinates(String topic, int partition, long offset) {
        return SourceCoordinates.newBuilder()
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .build();
    }

    /** The identity written into every output; the index of {@code similar} compares by it too. */
    public static ModelIdentity identity(ModelInfo info, String decode) {
        return ModelIdentity.newBuilder()
                .setArchitecture(info.architecture())
                .setWeightsSource(
                        switch (info.weightsSource()) {
                            case RANDOM -> ModelIdentity.WeightsSource.RANDOM;
                            case DJL_PARAMS -> ModelIdentity.WeightsSource.DJL_PARAMS;
                            case KERAS_H5 -> ModelIdentity.WeightsSource.KERAS_H5;
                            case TORCHSCRIPT -> ModelIdentity.WeightsSource.TORCHSCRIPT;
                        })
                .setWeightsDigest(info.weightsDigest())
                .setPreprocessing(
                        info.preprocessing() == Preprocessing.CAFFE
                                ? ModelIdentity.Preprocessing.CAFFE
                                : ModelIdentity.Preprocessing.TORCH)
                .setPrecision(
                        switch (info.precision()) {
                            case FP32 -> ModelIdentity.Precision.FP32;
                            case BF16 -> ModelIdentity.Precision.BF16;
                            case FP16 -> ModelIdentity.Precision.FP16;
                            case INT8 -> ModelIdentity.Precision.INT8;
                        })
                .setInputSize(info.inputSize())
                .setDecode(decode)
                .setCalibrationDigest(info.calibrationDigest())
                .build();
    }

    private static byte[] utf8(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder()
                .setSeconds(t.getEpochSecond())
                .setNanos(t.getNano())
                .build();
    }
}
