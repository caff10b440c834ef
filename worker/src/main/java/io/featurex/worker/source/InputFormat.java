package io.featurex.worker.source;

import java.util.Locale;

/** The record formats an input topic can carry, by their configuration names. */
public enum InputFormat {
    /** featurex.v1.ImageRef, serialized. */
    PROTOBUF("protobuf", new ProtobufFormat()),
    /** One URI as UTF-8 text; the URI is the id. */
    URI("uri", new UriFormat()),
    /** {"id": ..., "uri": ..., "attributes": {...}, "event_time": ...}; only uri is required. */
    JSON("json", new JsonFormat()),
    /** S3 event notifications as S3 (via SQS/SNS bridges) and MinIO publish them. */
    S3_EVENT("s3-event", new S3EventFormat());

    private final String key;
    private final RecordFormat format;

    InputFormat(String key, RecordFormat format) {
        this.key = key;
        this.format = format;
    }

    public String key() {
        return key;
    }

    public RecordFormat format() {
        return format;
    }

    /** @return null when no format has that name */
    public static InputFormat byKey(String key) {
        for (InputFormat f : values()) {
            if (f.key.equals(key.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        return null;
    }
}
