package io.featurex.similar;

import com.google.protobuf.InvalidProtocolBufferException;
import io.featurex.v1.ModelIdentity;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a persisted index says about itself, committed in the same Lucene commit as the vectors
 * (its user data), so the vectors and the offsets they were read up to can never disagree: the
 * model identity they belong to, the settings that shaped the files, the topic and, per
 * partition, the next offset to read.
 *
 * @param offsets partition -> next offset to read
 */
record IndexCheckpoint(
        Optional<ModelIdentity> model,
        Optional<String> topic,
        Map<Integer, Long> offsets,
        Optional<String> metric,
        Optional<String> quantization,
        int dimension) {

    static final IndexCheckpoint EMPTY =
            new IndexCheckpoint(Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), 0);

    private static final String PREFIX = "featurex.";
    private static final String MODEL = PREFIX + "model";
    private static final String TOPIC = PREFIX + "topic";
    private static final String OFFSET = PREFIX + "offset.";
    private static final String METRIC = PREFIX + "metric";
    private static final String QUANTIZATION = PREFIX + "quantization";
    private static final String DIMENSION = PREFIX + "dimension";

    IndexCheckpoint {
        offsets = Map.copyOf(offsets);
    }

    boolean isEmpty() {
        return model.isEmpty() && topic.isEmpty() && offsets.isEmpty();
    }

    Map<String, String> toUserData() {
        Map<String, String> out = new TreeMap<>();
        model.ifPresent(m -> out.put(MODEL, Base64.getEncoder().encodeToString(m.toByteArray())));
        topic.ifPresent(t -> out.put(TOPIC, t));
        metric.ifPresent(m -> out.put(METRIC, m));
        quantization.ifPresent(q -> out.put(QUANTIZATION, q));
        if (dimension > 0) {
            out.put(DIMENSION, Integer.toString(dimension));
        }
        offsets.forEach((p, o) -> out.put(OFFSET + p, Long.toString(o)));
        return out;
    }

    /**
     * @throws IllegalStateException when the user data is not what this class writes (a directory
     *     made by something else, or damaged)
     */
    static IndexCheckpoint fromUserData(Map<String, String> data) {
        try {
            Optional<ModelIdentity> model = Optional.ofNullable(data.get(MODEL))
                    .map(s -> parseModel(Base64.getDecoder().decode(s)));
            Map<Integer, Long> offsets = new HashMap<>();
            for (Map.Entry<String, String> e : data.entrySet()) {
                if (e.getKey().startsWith(OFFSET)) {
                    offsets.put(Integer.parseInt(e.getKey().substring(OFFSET.length())), Long.parseLong(e.getValue()));
                }
            }
            return new IndexCheckpoint(
                    model,
                    Optional.ofNullable(data.get(TOPIC)),
                    offsets,
                    Optional.ofNullable(data.get(METRIC)),
                    Optional.ofNullable(data.get(QUANTIZATION)),
                    Integer.parseInt(data.getOrDefault(DIMENSION, "0")));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the index directory's commit data is not featurex's: " + e.getMessage(), e);
        }
    }

    private static ModelIdentity parseModel(byte[] bytes) {
        try {
            return ModelIdentity.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("its model identity does not parse", e);
        }
    }
}
