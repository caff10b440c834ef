package io.featurex.worker.config;

import io.featurex.worker.source.InputFormat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The topics a worker consumes, in subscription order, and the record format of each. */
public record InputTopics(Map<String, InputFormat> formats) {

    public InputTopics {
        if (formats.isEmpty()) {
            throw new IllegalArgumentException("no input topic");
        }
        formats = Collections.unmodifiableMap(new LinkedHashMap<>(formats));
    }

    public static InputTopics of(String topic, InputFormat format) {
        return new InputTopics(Map.of(topic, format));
    }

    public List<String> names() {
        return List.copyOf(formats.keySet());
    }

    public InputFormat formatOf(String topic) {
        InputFormat format = formats.get(topic);
        if (format == null) {
            throw new IllegalArgumentException("not an input topic: " + topic);
        }
        return format;
    }

    public boolean contains(String topic) {
        return formats.containsKey(topic);
    }

    /** "images (protobuf), bucket-events (s3-event)" */
    @Override
    public String toString() {
        return formats.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue().key() + ")").collect(Collectors.joining(", "));
    }
}
