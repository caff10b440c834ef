package io.featurex.worker.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.eventnotifications.s3.model.S3;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.eventnotifications.s3.model.S3Object;

/**
 * S3 event notifications: {@code {"Records": [...]}} as S3 sends them (through SQS, or SNS with
 * its envelope, and a connector) and as MinIO publishes them to Kafka (the same records, wrapped
 * with its own {@code EventName} and {@code Key}); and S3's events as EventBridge delivers them
 * ({@code {"detail-type": "Object Created", "source": "aws.s3", "detail": {...}}}). Each
 * object-created record is one image, read back with the event's version or ETag so the vector is
 * of exactly the object the event announced.
 *
 * <p>The id is {@code bucket/key@version} (versioned buckets) or {@code bucket/key@etag}: the same
 * event delivered twice (storage notifications are at-least-once) overwrites downstream instead of
 * adding a second vector, and a new upload of the key gets its own id.
 */
final class S3EventFormat implements RecordFormat {

    static final String ETAG = "s3.etag"; // also read by the fetch stage: keep in step with Fetcher.S3_ETAG_ATTRIBUTE
    static final String VERSION_ID = "s3.version_id";
    static final String EVENT_NAME = "s3.event_name";
    static final String SIZE = "s3.size";
    static final String SEQUENCER = "s3.sequencer";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one event record says about one object, whichever shape it came in. */
    private record ObjectEvent(
            String eventName,
            boolean created,
            String bucket,
            String key,
            String version,
            String etag,
            Long size,
            String sequencer,
            Instant time) {}

    @Override
    public List<Entry> entries(byte[] value, String fallbackId) throws BadInputException {
        String text = Text.utf8(value);
        JsonNode envelope = envelopeOrNull(text);
        if (envelope != null
                && envelope.path("Type").asText("").equals("Notification")
                && envelope.path("Message").isTextual()) {
            // S3 -> SNS -> SQS (-> a connector) without raw message delivery: the event is the
            // envelope's Message string.
            text = envelope.path("Message").textValue();
            envelope = envelopeOrNull(text);
        }
        if (envelope != null && envelope.has("detail-type")) {
            return List.of(entry(eventBridge(envelope), fallbackId));
        }
        List<ObjectEvent> events = notification(text);
        List<Entry> entries = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            entries.add(entry(events.get(i), events.size() == 1 ? fallbackId : fallbackId + "-" + i));
        }
        return entries;
    }

    /** The JSON tree, read only when the text may be an SNS envelope or an EventBridge event. */
    private static JsonNode envelopeOrNull(String text) throws BadInputException {
        if (!text.contains("\"Notification\"") && !text.contains("\"detail-type\"")) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw new BadInputException(ErrorCode.MALFORMED_MESSAGE, "not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The Records format, parsed by the AWS SDK's own reader. Keys arrive URL-encoded. */
    private static List<ObjectEvent> notification(String text) throws BadInputException {
        S3EventNotification event;
        try {
            event = S3EventNotification.fromJson(text);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BadInputException(
                    ErrorCode.MALFORMED_MESSAGE,
                    "not an S3 event notification: "
                            + String.valueOf(cause.getMessage())
                                    .lines()
                                    .findFirst()
                                    .orElse(""),
                    e);
        }
        List<S3EventNotificationRecord> records = event.getRecords();
        if (records == null || records.isEmpty()) {
            throw new BadInputException(
                    ErrorCode.NOT_AN_OBJECT_CREATION,
                    text.contains("s3:TestEvent")
                            ? "an s3:TestEvent (sent when a bucket notification is configured): no object in it"
                            : "event notification without object records: " + Text.excerpt(text));
        }
        List<ObjectEvent> events = new ArrayList<>(records.size());
        for (S3EventNotificationRecord record : records) {
            S3 s3 = record.getS3();
            S3Object object = s3 == null ? null : s3.getObject();
            String eventName = record.getEventName() == null ? "" : record.getEventName();
            // MinIO prefixes event names with "s3:", S3 does not.
            boolean created =
                    (eventName.startsWith("s3:") ? eventName.substring(3) : eventName).startsWith("ObjectCreated:");
            events.add(new ObjectEvent(
                    eventName,
                    created,
                    s3 == null || s3.getBucket() == null ? null : s3.getBucket().getName(),
                    object == null || object.getKey() == null ? null : object.getUrlDecodedKey(),
                    object == null ? null : object.getVersionId(),
                    object == null ? null : object.getETag(),
                    object == null ? null : object.getSizeAsLong(),
                    object == null ? null : object.getSequencer(),
                    record.getEventTime()));
        }
        return events;
    }

    /** EventBridge's shape: one object per event, its key as is (EventBridge does not URL-encode it). */
    private static ObjectEvent eventBridge(JsonNode event) throws BadInputException {
        String detailType = event.path("detail-type").asText("");
        if (!event.path("source").asText("").equals("aws.s3")) {
            throw new BadInputException(
                    ErrorCode.MALFORMED_MESSAGE,
                    "an EventBridge event from " + event.path("source").asText("?") + ", not from aws.s3");
        }
        JsonNode object = event.path("detail").path("object");
        Instant time = null;
        try {
            time = event.hasNonNull("time") ? Instant.parse(event.path("time").asText()) : null;
        } catch (DateTimeParseException e) {
            // An unreadable time is no reason to lose the image; the output simply has none.
        }
        return new ObjectEvent(
                detailType,
                detailType.equals("Object Created"),
                text(event.path("detail").path("bucket"), "name"),
                text(object, "key"),
                text(object, "version-id"),
                text(object, "etag"),
                object.path("size").isIntegralNumber() ? object.path("size").longValue() : null,
                text(object, "sequencer"),
                time);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    private static Entry entry(ObjectEvent event, String fallbackId) {
        if (blankToNull(event.bucket()) == null || blankToNull(event.key()) == null) {
            return new Entry.Rejected(
                    fallbackId,
                    null,
                    new BadInputException(
                            ErrorCode.MALFORMED_MESSAGE, "event record without bucket name or object key"));
        }
        String version = blankToNull(event.version());
        String etag = blankToNull(event.etag());
        String id =
                event.bucket() + "/" + event.key() + (version != null ? "@" + version : etag != null ? "@" + etag : "");

        ImageRef.Builder ref = ImageRef.newBuilder().setId(id).putAttributes(EVENT_NAME, event.eventName());
        try {
            ref.setUri(uri(event.bucket(), event.key(), version));
        } catch (URISyntaxException e) {
            return new Entry.Rejected(
                    id,
                    null,
                    new BadInputException(
                            ErrorCode.INVALID_URI,
                            "bucket " + event.bucket() + " and key " + event.key() + " make no URI: "
                                    + e.getMessage()));
        }
        if (etag != null) {
            ref.putAttributes(ETAG, etag);
        }
        if (version != null) {
            ref.putAttributes(VERSION_ID, version);
        }
        if (event.size() != null) {
            ref.putAttributes(SIZE, event.size().toString());
        }
        if (blankToNull(event.sequencer()) != null) {
            ref.putAttributes(SEQUENCER, event.sequencer());
        }
        if (event.time() != null) {
            ref.setEventTime(Timestamp.newBuilder()
                    .setSeconds(event.time().getEpochSecond())
                    .setNanos(event.time().getNano()));
        }
        if (!event.created()) {
            return new Entry.Rejected(
                    id,
                    ref.build(),
                    new BadInputException(
                            ErrorCode.NOT_AN_OBJECT_CREATION,
                            "event " + event.eventName()
                                    + " names no new object; send only object-created events to this topic"));
        }
        return new Entry.Ref(id, ref.build());
    }

    /** {@code s3://bucket/key[?versionId=v]}, the key percent-encoded as a URI path (so '?', '#', '%' and spaces survive). */
    static String uri(String bucket, String key, String versionId) throws URISyntaxException {
        String query = versionId == null ? null : "versionId=" + URLEncoder.encode(versionId, StandardCharsets.UTF_8);
        // The multi-argument constructor quotes what the path needs (the authority form accepts the
        // underscores of legacy bucket names, which a host name would not); the query is encoded already.
        String base = new URI("s3", bucket, "/" + key, null, null).toASCIIString();
        return query == null ? base : base + "?" + query;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
