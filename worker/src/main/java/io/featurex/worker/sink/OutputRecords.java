package io.featurex.worker.sink;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.v1.ModelIdentity;
import io.featurex.v1.SourceCoordinates;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.ModelInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the output messages of one worker: features and dead letters, keyed by image id. */
public final class OutputRecords {

    private final String featureTopic;
    private final String deadLetterTopic;
    private final String workerId;
    private final ModelIdentity model;

    public OutputRecords(String featureTopic, String deadLetterTopic, String workerId, ModelInfo info) {
        this.featureTopic = featureTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.workerId = workerId;
        this.model = identity(info);
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

    public Output deadLetter(
            String id, String uri, ErrorCode code, String reason, SourceCoordinates source, byte[] key, byte[] value, Instant now) {
        DeadLetter.Builder message = DeadLetter.newBuilder()
                .setCode(code)
                .setMessage(reason)
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
        return new Output(deadLetterTopic, key(id), message.build().toByteArray());
    }

    public static SourceCoordinates coordinates(String topic, int partition, long offset) {
        return SourceCoordinates.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset).build();
    }

    static ModelIdentity identity(ModelInfo info) {
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
                .setPrecision(ModelIdentity.Precision.FP32)
                .setInputSize(info.inputSize())
                .build();
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
