package io.featurex.worker.config;

import io.featurex.worker.source.InputFormat;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** input.topic and input.format together: every topic gets exactly one known format. */
    static InputTopics from(SettingReader r) {
        List<String> topics = r.list(Setting.INPUT_TOPIC);
        if (topics.isEmpty()) {
            r.problem(Setting.INPUT_TOPIC, "is required");
            return null;
        }
        for (String topic : topics) {
            if (!topic.matches(SettingReader.TOPIC_NAME)) {
                r.problem(
                        Setting.INPUT_TOPIC,
                        "'" + topic + "' is not a valid topic name (letters, digits, '.', '_', '-')");
            }
        }
        InputFormat fallback = null;
        boolean unknownFallback = false;
        Set<String> unknown = new HashSet<>();
        Map<String, InputFormat> named = new LinkedHashMap<>();
        for (String part : r.list(Setting.INPUT_FORMAT)) {
            int eq = part.indexOf('=');
            String topic = eq < 0 ? null : part.substring(0, eq).trim();
            String name = eq < 0 ? part : part.substring(eq + 1).trim();
            InputFormat format = InputFormat.byKey(name);
            if (format == null) {
                r.problem(
                        Setting.INPUT_FORMAT,
                        "unknown format '" + name + "' ("
                                + Arrays.stream(InputFormat.values())
                                        .map(InputFormat::key)
                                        .toList() + ")");
                if (topic == null) {
                    unknownFallback = true;
                } else {
                    unknown.add(topic);
                }
            } else if (topic == null && fallback != null) {
                r.problem(Setting.INPUT_FORMAT, "more than one default format (" + fallback.key() + ", " + name + ")");
            } else if (topic == null) {
                fallback = format;
            } else if (!topics.contains(topic)) {
                r.problem(Setting.INPUT_FORMAT, "names topic '" + topic + "', which is not in input.topic " + topics);
            } else if (named.put(topic, format) != null) {
                r.problem(Setting.INPUT_FORMAT, "names topic '" + topic + "' twice");
            }
        }
        Map<String, InputFormat> formats = new LinkedHashMap<>();
        for (String topic : topics) {
            InputFormat format = named.getOrDefault(topic, fallback);
            if (format == null && !unknown.contains(topic) && !unknownFallback) {
                r.problem(
                        Setting.INPUT_FORMAT,
                        "gives no format for topic '" + topic + "' (add " + topic + "=FORMAT, or a default)");
            } else if (format != null) {
                formats.put(topic, format);
            }
        }
        return formats.isEmpty() ? null : new InputTopics(formats);
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
        return formats.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue().key() + ")")
                .collect(Collectors.joining(", "));
    }
}
