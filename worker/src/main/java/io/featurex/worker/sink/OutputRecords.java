package io.featurex.worker.sink;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.featurex.v1.DeadLetter;
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

/** Builds the output messages of one worker: features and dead letters, keyed by image id. */
public final class OutputRecords {

    private final String featureTopic;
    private final String deadLetterTopic;
    private final String workerId;
    private final ModelIdentity model;

    /** @param decode how images are decoded, where it differs from the framework's way ({@code DecodeSpec.identity}) */
    public OutputRecords(String featureTopic, String deadLetterTopic, String workerId, ModelInfo info, String decode) {
        this.featureTopic = featureTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.workerId = workerId;
        this.model = identity(info, decode);
    }

    public ModelIdentity model() {
        return model;
    }

    public Output feature(String id, ImageRef ref, SourceCoordinates source, float[] vector, Instant now) {
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
        return new Output(featureTopic, key(id), message.build().toByteArray());
    }

    /**
     * A dead letter, with the headers of Kafka Connect's dead-letter-queue convention
     * ({@code __connect.errors.*}), so tools built for Connect DLQs read ours too.
     */
    public Output deadLetter(
            String id, String uri, BadInputException error, SourceCoordinates source, byte[] key, byte[] value, Instant now) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        List<Header> headers = List.of(
                Output.header("__connect.errors.topic", source.getTopic()),
                Output.header("__connect.errors.partition", Integer.toString(source.getPartition())),
                Output.header("__connect.errors.offset", Long.toString(source.getOffset())),
                Output.header("__connect.errors.exception.class.name", cause.getClass().getName()),
                Output.header("__connect.errors.exception.message", error.getMessage()),
                Output.header("featurex.error.code", error.code().name()),
                Output.header("featurex.worker.id", workerId));
        DeadLetter.Builder message = DeadLetter.newBuilder()
                .setCode(error.code())
                .setMessage(error.getMessage())
                .setSource(source)
                .setWorkerId(workerId)
                .setTime(timestamp(now))
                .setId(id)
                .setSourceUri(uri == null ? "" : uri);
        if (value != null) {
            message.setOriginalValue(ByteString.copyFrom(value));
        }
        if (key != null) {
            message.setOriginalKey(ByteString.copyFrom(key));
        }
        return new Output(deadLetterTopic, key(id), message.build().toByteArray(), headers);
    }

    public static SourceCoordinates coordinates(String topic, int partition, long offset) {
        return SourceCoordinates.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset).build();
    }

    static ModelIdentity identity(ModelInfo info, String decode) {
        return ModelIdentity.newBuilder()
                .setArchitecture(info.architecture())
                .setWeightsSource(switch (info.weightsSource()) {
                    case RANDOM -> ModelIdentity.WeightsSource.RANDOM;
                    case DJL_PARAMS -> ModelIdentity.WeightsSource.DJL_PARAMS;
                    case KERAS_H5 -> ModelIdentity.WeightsSource.KERAS_H5;
                    case TORCHSCRIPT -> ModelIdentity.WeightsSource.TORCHSCRIPT;
                })
                .setWeightsDigest(info.weightsDigest())
                .setPreprocessing(info.preprocessing() == Preprocessing.CAFFE
                        ? ModelIdentity.Preprocessing.CAFFE
                        : ModelIdentity.Preprocessing.TORCH)
                .setPrecision(switch (info.precision()) {
                    case FP32 -> ModelIdentity.Precision.FP32;
                    case BF16 -> ModelIdentity.Precision.BF16;
                    case FP16 -> ModelIdentity.Precision.FP16;
                })
                .setInputSize(info.inputSize())
                .setDecode(decode)
                .build();
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
