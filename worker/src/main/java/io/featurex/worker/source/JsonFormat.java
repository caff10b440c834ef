package io.featurex.worker.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code {"id": "...", "uri": "...", "attributes": {"k": "v"}, "event_time": "2026-11-25T10:00:00Z"}}:
 * only {@code uri} is required; the id defaults to the URI. Unknown fields are ignored (producers
 * may add their own); fields featurex knows must have the right type.
 */
final class JsonFormat implements RecordFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public List<Entry> entries(byte[] value, String fallbackId) throws BadInputException {
        String text = Text.utf8(value);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new BadInputException(ErrorCode.MALFORMED_MESSAGE, "not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(
                    ErrorCode.MALFORMED_MESSAGE, "expected a JSON object, got: " + Text.excerpt(text));
        }
        String uri = string(root, "uri");
        if (uri == null || uri.isBlank()) {
            throw new BadInputException(ErrorCode.NO_SOURCE, "JSON reference has no \"uri\"");
        }
        String id = string(root, "id");
        if (id == null || id.isEmpty()) {
            id = uri;
        }
        ImageRef.Builder ref = ImageRef.newBuilder().setId(id).setUri(uri);
        JsonNode attributes = root.get("attributes");
        if (attributes != null && !attributes.isNull()) {
            if (!attributes.isObject()) {
                throw new BadInputException(ErrorCode.MALFORMED_MESSAGE, "\"attributes\" must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            attributes.properties().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> attribute = it.next();
                if (!attribute.getValue().isTextual()) {
                    throw new BadInputException(
                            ErrorCode.MALFORMED_MESSAGE, "attribute \"" + attribute.getKey() + "\" must be a string");
                }
                ref.putAttributes(attribute.getKey(), attribute.getValue().textValue());
            }
        }
        String eventTime = string(root, "event_time");
        if (eventTime != null) {
            ref.setEventTime(timestamp(eventTime));
        }
        return List.of(new Entry.Ref(id, ref.build()));
    }

    private static String string(JsonNode root, String field) throws BadInputException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new BadInputException(
                    ErrorCode.MALFORMED_MESSAGE, "\"" + field + "\" must be a string, got " + node.getNodeType());
        }
        return node.textValue();
    }

    private static Timestamp timestamp(String text) throws BadInputException {
        try {
            Instant instant = OffsetDateTime.parse(text).toInstant();
            return Timestamp.newBuilder()
                    .setSeconds(instant.getEpochSecond())
                    .setNanos(instant.getNano())
                    .build();
        } catch (DateTimeParseException e) {
            throw new BadInputException(
                    ErrorCode.MALFORMED_MESSAGE,
                    "\"event_time\" must be an RFC 3339 time such as 2026-11-25T10:00:00Z, got " + Text.excerpt(text));
        }
    }
}
