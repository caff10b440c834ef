package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.FeatureVector;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.testing.S3Server;
import io.featurex.worker.testing.TestKafka;
import io.featurex.worker.testing.WorkerHarness;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event-driven ingestion end to end: images put into a real S3-compatible server (s3proxy), their
 * event notifications (as MinIO publishes them) on Kafka, features and dead letters out. Besides
 * the event topic the same worker reads a plain-URI topic and a JSON topic, each with its format.
 */
class S3EventsIT {

    /** The codes only object storage and its events produce; every one is asserted here. */
    static final Set<ErrorCode> OBJECT_STORE_CODES = Set.of(
            ErrorCode.OBJECT_NOT_FOUND,
            ErrorCode.ACCESS_DENIED,
            ErrorCode.OBJECT_CHANGED,
            ErrorCode.THROTTLED,
            ErrorCode.NOT_AN_OBJECT_CREATION);

    private static final String BUCKET = "photos";
    private static final Instant EVENT_TIME = Instant.parse("2026-11-25T10:15:30.250Z");

    private static S3Server s3;
    private static FeatureExtractor model;

    @BeforeAll
    static void setUp() throws Exception {
        s3 = S3Server.start().exportCredentials(); // found the standard way: the SDK's system properties
        s3.createBucket(BUCKET);
        model = ModelLoader.load(ModelSpec.seeded(42, 8, Preprocessing.CAFFE));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (model != null) {
            model.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void eventsBecomeFeaturesAndEveryFailureADeadLetterWithItsCode() throws Exception {
        String tabby = s3.put(BUCKET, "cats/tabby one.jpg", sample("cat.jpg"));
        String astronaut = s3.put(BUCKET, "space/astro+naut(1).png", sample("astronaut.png"));
        String coffee = s3.put(BUCKET, "coffee.jpg", sample("coffee.jpg"));
        String secret = s3.put(BUCKET, "private/secret.jpg", sample("cat.jpg"));
        String rocket = s3.put(BUCKET, "throttled/rocket.jpg", sample("rocket.jpg"));
        String horse = s3.put(BUCKET, "overloaded/horse.png", sample("horse.png"));
        String before = s3.put(BUCKET, "changed.jpg", sample("cat.jpg"));
        String after = s3.put(BUCKET, "changed.jpg", sample("coffee.jpg")); // overwritten before the worker reads it
        assertThat(after).isNotEqualTo(before);

        // One partition, so a record's coordinates (the id of what has no other) are its index.
        String events = TestKafka.newTopic("bucket-events", 1);
        String uris = TestKafka.newTopic("uris", 1);
        String json = TestKafka.newTopic("json-refs", 1);
        Map<String, String> settings = new HashMap<>(s3.workerSettings());
        settings.put("input.topic", events + "," + uris + "," + json);
        settings.put("input.format", "s3-event," + uris + "=uri," + json + "=json");
        settings.put("s3.max-attempts", "3");
        settings.put("fetch.timeout-ms", "30000");
        settings.put("batch.max-size", "4");

        List<byte[]> eventRecords = new ArrayList<>();
        eventRecords.add(created(object("cats/tabby one.jpg", tabby)));
        eventRecords.add(created(object("space/astro+naut(1).png", astronaut), object("coffee.jpg", coffee)));
        eventRecords.add(created(object("cats/missing.jpg", "0123456789abcdef0123456789abcdef")));
        eventRecords.add(created(object("private/secret.jpg", secret)));
        eventRecords.add(created(object("changed.jpg", before)));
        eventRecords.add(minioEvent("s3:ObjectRemoved:Delete", BUCKET, object("cats/old.jpg", null)));
        eventRecords.add(
                utf8(
                        "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-25T10:00:00.000Z\",\"Bucket\":\"photos\"}"));
        eventRecords.add(created(object("throttled/rocket.jpg", rocket)));
        eventRecords.add(created(object("overloaded/horse.png", horse)));
        eventRecords.add(
                created(object("cats/tabby one.jpg", tabby))); // delivered twice, as storage notifications may be
        eventRecords.add(minioEvent(
                "s3:ObjectCreated:Put", "no-such-bucket", object("x.jpg", "0123456789abcdef0123456789abcdef")));
        eventRecords.add(utf8("<xml>not an event</xml>"));

        try (WorkerHarness worker = new WorkerHarness(model, 2, settings).start()) {
            worker.send(events, eventRecords);
            worker.send(uris, List.of(utf8("s3://photos/cats/tabby%20one.jpg")));
            worker.send(
                    json,
                    List.of(
                            utf8(
                                    "{\"id\": \"coffee-json\", \"uri\": \"s3://photos/coffee.jpg\", \"attributes\": {\"album\": \"kitchen\"}}")));
            worker.awaitOutputs(15);

            String tabbyId = "photos/cats/tabby one.jpg@" + tabby;
            assertThat(worker.features.keySet())
                    .containsExactlyInAnyOrder(
                            tabbyId,
                            "photos/space/astro+naut(1).png@" + astronaut,
                            "photos/coffee.jpg@" + coffee,
                            "photos/throttled/rocket.jpg@" + rocket,
                            "s3://photos/cats/tabby%20one.jpg",
                            "coffee-json");
            assertThat(worker.duplicates)
                    .as("only the event delivered twice, under the same key")
                    .isEqualTo(1);

            FeatureVector fromEvent = worker.features.get(tabbyId);
            assertThat(fromEvent.getSourceUri()).isEqualTo("s3://photos/cats/tabby%20one.jpg");
            assertThat(fromEvent.getAttributesMap())
                    .containsEntry("s3.etag", tabby)
                    .containsEntry("s3.event_name", "s3:ObjectCreated:Put");
            assertThat(fromEvent.getEventTime().getSeconds()).isEqualTo(EVENT_TIME.getEpochSecond());
            // Same bytes, same vector, whichever format named them (to float rounding: the two
            // rode in batches of different sizes, and the kernels sum in a batch-dependent order).
            assertThat(maxDifference(fromEvent, worker.features.get("s3://photos/cats/tabby%20one.jpg")))
                    .isLessThan(1e-4f);
            assertThat(maxDifference(
                            worker.features.get("coffee-json"), worker.features.get("photos/coffee.jpg@" + coffee)))
                    .isLessThan(1e-4f);
            assertThat(worker.features.get("coffee-json").getAttributesMap()).containsEntry("album", "kitchen");

            Map<String, ErrorCode> codes = new HashMap<>();
            worker.deadLetterById.forEach((id, letter) -> codes.put(id, letter.getCode()));
            assertThat(codes)
                    .containsOnly(
                            Map.entry(
                                    "photos/cats/missing.jpg@0123456789abcdef0123456789abcdef",
                                    ErrorCode.OBJECT_NOT_FOUND),
                            Map.entry("photos/private/secret.jpg@" + secret, ErrorCode.ACCESS_DENIED),
                            Map.entry("photos/changed.jpg@" + before, ErrorCode.OBJECT_CHANGED),
                            Map.entry("photos/cats/old.jpg", ErrorCode.NOT_AN_OBJECT_CREATION),
                            Map.entry(events + "-0-6", ErrorCode.NOT_AN_OBJECT_CREATION),
                            Map.entry("photos/overloaded/horse.png@" + horse, ErrorCode.THROTTLED),
                            Map.entry(
                                    "no-such-bucket/x.jpg@0123456789abcdef0123456789abcdef",
                                    ErrorCode.OBJECT_NOT_FOUND),
                            Map.entry(events + "-0-11", ErrorCode.MALFORMED_MESSAGE));
            assertThat(codes.values()).containsAll(OBJECT_STORE_CODES);
            DeadLetter changed = worker.deadLetterById.get("photos/changed.jpg@" + before);
            assertThat(changed.getMessage()).contains("ETag is no longer " + before);
            assertThat(changed.getSourceUri()).isEqualTo("s3://photos/changed.jpg");

            assertThat(s3.reads("throttled/rocket.jpg"))
                    .as("two 503s, then the object")
                    .isEqualTo(S3Server.THROTTLED_READS + 1);
            assertThat(s3.reads("overloaded/horse.png")).as("s3.max-attempts").isEqualTo(3);
            assertThat(worker.committedOffsets())
                    .as("every record committed once: 12 events, 1 URI, 1 JSON")
                    .isEqualTo(14);
        }
    }

    private static float maxDifference(FeatureVector a, FeatureVector b) {
        assertThat(a.getValuesCount()).isEqualTo(b.getValuesCount()).isPositive();
        float max = 0;
        for (int i = 0; i < a.getValuesCount(); i++) {
            max = Math.max(max, Math.abs(a.getValues(i) - b.getValues(i)));
        }
        return max;
    }

    private record S3Object(String key, String etag) {}

    private static S3Object object(String key, String etag) {
        return new S3Object(key, etag);
    }

    private static byte[] created(S3Object... objects) {
        return minioEvent("s3:ObjectCreated:Put", BUCKET, objects);
    }

    /** A bucket notification as MinIO publishes it to Kafka: its wrapper around S3's record format. */
    private static byte[] minioEvent(String eventName, String bucket, S3Object... objects) {
        StringBuilder records = new StringBuilder();
        for (S3Object object : objects) {
            if (records.length() > 0) {
                records.append(',');
            }
            records.append("""
                    {"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"","eventTime":"%s","eventName":"%s",\
                    "userIdentity":{"principalId":"minioadmin"},"requestParameters":{"principalId":"minioadmin","region":"","sourceIPAddress":"127.0.0.1"},\
                    "responseElements":{"x-amz-request-id":"187AF8E9A1C7B0B2"},\
                    "s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"%s","ownerIdentity":{"principalId":"minioadmin"},"arn":"arn:aws:s3:::%s"},\
                    "object":{"key":"%s",%s"contentType":"image/jpeg","sequencer":"187AF8E9A1D13C55"}},\
                    "source":{"host":"127.0.0.1","port":"","userAgent":"MinIO (linux; amd64)"}}""".formatted(
                            EVENT_TIME,
                            eventName,
                            bucket,
                            bucket,
                            URLEncoder.encode(object.key(), StandardCharsets.UTF_8), // MinIO query-escapes keys
                            object.etag() == null ? "" : "\"size\":1,\"eTag\":\"" + object.etag() + "\","));
        }
        String first = objects[0].key();
        return utf8("{\"EventName\":\"" + eventName + "\",\"Key\":\"" + bucket + "/" + first + "\",\"Records\":["
                + records + "]}");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sample(String name) throws IOException {
        try (InputStream in = S3EventsIT.class.getResourceAsStream("/io/featurex/embedded/samples/" + name)) {
            return in.readAllBytes();
        }
    }
}
