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
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.eventnotifications.s3.model.S3;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.eventnotifications.s3.model.S3Object;

/**
 * S3 event notifications: {@code {"Records": [...]}} as S3 sends them (through SQS, or SNS with
 * its envelope, and a connector) and as MinIO publishes them to Kafka (the same records, wrapped
 * with its own {@code EventName} and {@code Key}). Each object-created record is one image, read back with the
 * event's version or ETag so the vector is of exactly the object the event announced.
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

    private static final String CREATED = "ObjectCreated:";
    private static final ObjectMapper SNS = new ObjectMapper();

    @Override
    public List<Entry> entries(byte[] value, String fallbackId) throws BadInputException {
        String text = unwrapSns(Text.utf8(value));
        S3EventNotification event;
        try {
            event = S3EventNotification.fromJson(text);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BadInputException(ErrorCode.MALFORMED_MESSAGE, "not an S3 event notification: "
                    + String.valueOf(cause.getMessage()).lines().findFirst().orElse(""), e);
        }
        List<S3EventNotificationRecord> records = event.getRecords();
        if (records == null || records.isEmpty()) {
            throw new BadInputException(ErrorCode.NOT_AN_OBJECT_CREATION, text.contains("s3:TestEvent")
                    ? "an s3:TestEvent (sent when a bucket notification is configured): no object in it"
                    : "event notification without object records: " + Text.excerpt(text));
        }
        List<Entry> entries = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            String recordFallback = records.size() == 1 ? fallbackId : fallbackId + "-" + i;
            entries.add(entry(records.get(i), recordFallback));
        }
        return entries;
    }

    /**
     * S3 -> SNS -> SQS (-> a Kafka connector) delivers the event as the {@code Message} string of an
     * SNS envelope unless raw message delivery is on; take it out of the envelope.
     */
    private static String unwrapSns(String text) throws BadInputException {
        if (!text.contains("\"Notification\"")) {
            return text;
        }
        try {
            JsonNode root = SNS.readTree(text);
            if (root != null && root.path("Type").asText("").equals("Notification") && root.path("Message").isTextual()) {
                return root.path("Message").textValue();
            }
            return text;
        } catch (JacksonException e) {
            throw new BadInputException(ErrorCode.MALFORMED_MESSAGE, "not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Entry entry(S3EventNotificationRecord record, String fallbackId) {
        S3 s3 = record.getS3();
        S3Object object = s3 == null ? null : s3.getObject();
        String bucket = s3 == null || s3.getBucket() == null ? null : s3.getBucket().getName();
        String key = object == null || object.getKey() == null ? null : object.getUrlDecodedKey();
        if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty()) {
            return new Entry.Rejected(fallbackId, null, new BadInputException(ErrorCode.MALFORMED_MESSAGE,
                    "event record without bucket name or object key"));
        }
        String eventName = record.getEventName() == null ? "" : record.getEventName();
        // MinIO prefixes event names with "s3:", S3 does not.
        String event = eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
        String version = blankToNull(object.getVersionId());
        String etag = blankToNull(object.getETag());
        String id = bucket + "/" + key + (version != null ? "@" + version : etag != null ? "@" + etag : "");

        ImageRef.Builder ref = ImageRef.newBuilder().setId(id).putAttributes(EVENT_NAME, eventName);
        try {
            ref.setUri(uri(bucket, key, version));
        } catch (URISyntaxException e) {
            return new Entry.Rejected(id, null, new BadInputException(ErrorCode.MALFORMED_MESSAGE,
                    "bucket " + bucket + " and key " + key + " make no URI: " + e.getMessage()));
        }
        if (etag != null) {
            ref.putAttributes(ETAG, etag);
        }
        if (version != null) {
            ref.putAttributes(VERSION_ID, version);
        }
        if (object.getSizeAsLong() != null) {
            ref.putAttributes(SIZE, object.getSizeAsLong().toString());
        }
        if (blankToNull(object.getSequencer()) != null) {
            ref.putAttributes(SEQUENCER, object.getSequencer());
        }
        Instant time = record.getEventTime();
        if (time != null) {
            ref.setEventTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()));
        }
        if (!event.startsWith(CREATED)) {
            return new Entry.Rejected(id, ref.build(), new BadInputException(ErrorCode.NOT_AN_OBJECT_CREATION,
                    "event " + eventName + " names no new object; notify only s3:ObjectCreated:* events to this topic"));
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
