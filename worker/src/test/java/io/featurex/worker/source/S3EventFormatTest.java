package io.featurex.worker.source;

import static io.featurex.worker.source.InputFormatTest.code;
import static io.featurex.worker.source.InputFormatTest.error;
import static io.featurex.worker.source.InputFormatTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.fetch.Fetcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event documents as S3 and MinIO write them (resources/events), read into image references. */
class S3EventFormatTest {

    @Test
    void awsEventBecomesAVersionedReference() throws Exception {
        Entry.Ref entry = (Entry.Ref) single("aws-object-created.json");
        // The key arrives URL-encoded ('+' for space, %28 for '('): the id and URI hold the real key.
        assertThat(entry.id()).isEqualTo("photos/2026/11/red flower(1).jpg@096fKKXTRTtl3on89fVO.nfljtsv6qko");
        ImageRef ref = entry.ref();
        assertThat(ref.getId()).isEqualTo(entry.id());
        assertThat(ref.getUri())
                .isEqualTo("s3://photos/2026/11/red%20flower(1).jpg?versionId=096fKKXTRTtl3on89fVO.nfljtsv6qko");
        assertThat(ref.getAttributesMap())
                .containsEntry("s3.etag", "5f363e0e58a95f06cbe9bbc662c5dfb6")
                .containsEntry("s3.version_id", "096fKKXTRTtl3on89fVO.nfljtsv6qko")
                .containsEntry("s3.event_name", "ObjectCreated:Put")
                .containsEntry("s3.size", "48213")
                .containsEntry("s3.sequencer", "0055AED6DCD90281E5");
        assertThat(ref.getEventTime().getSeconds())
                .isEqualTo(Instant.parse("2026-11-25T10:15:30Z").getEpochSecond());
        assertThat(ref.getEventTime().getNanos()).isEqualTo(123_000_000);
    }

    @Test
    void minioEventWithoutVersionIsKeyedByEtag() throws Exception {
        Entry.Ref entry = (Entry.Ref) single("minio-object-created.json");
        assertThat(entry.id()).isEqualTo("images/cats/tabby one.jpg@b1946ac92492d2347c6235b4d2611184");
        assertThat(entry.ref().getUri()).isEqualTo("s3://images/cats/tabby%20one.jpg");
        assertThat(entry.ref().getAttributesMap())
                .containsEntry("s3.event_name", "s3:ObjectCreated:Put")
                .doesNotContainKey("s3.version_id");
    }

    @Test
    void snsEnvelopeIsOpened() throws Exception {
        String event = new String(resource("aws-object-created.json"), StandardCharsets.UTF_8);
        String envelope = new ObjectMapper()
                .createObjectNode()
                .put("Type", "Notification")
                .put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324")
                .put("TopicArn", "arn:aws:sns:us-west-2:123456789012:photos-events")
                .put("Subject", "Amazon S3 Notification")
                .put("Message", event)
                .toString();
        assertThat(InputFormatTest.only(InputFormat.S3_EVENT, utf8(envelope)))
                .isEqualTo(single("aws-object-created.json"));
    }

    @Test
    void eventBridgeEventsCarryTheKeyAsIs() throws Exception {
        Entry.Ref entry = (Entry.Ref) single("eventbridge-object-created.json");
        // EventBridge does not URL-encode keys: '+' stays a plus, the space a space.
        assertThat(entry.id()).isEqualTo("photos/2026/11/red flower+(1) 10:15.jpg@IYV3p45BT0ac8hjHg1houSdS1a.Mro8e");
        assertThat(entry.ref().getUri())
                .isEqualTo(
                        "s3://photos/2026/11/red%20flower+(1)%2010:15.jpg?versionId=IYV3p45BT0ac8hjHg1houSdS1a.Mro8e");
        assertThat(entry.ref().getAttributesMap())
                .containsEntry("s3.event_name", "Object Created")
                .containsEntry("s3.etag", "5f363e0e58a95f06cbe9bbc662c5dfb6")
                .containsEntry("s3.size", "48213");
        assertThat(entry.ref().getEventTime().getSeconds())
                .isEqualTo(Instant.parse("2026-11-25T10:15:30Z").getEpochSecond());
    }

    @Test
    void eventBridgeDeletesAndOtherSourcesAreRejected() throws Exception {
        String deleted = new String(resource("eventbridge-object-created.json"), StandardCharsets.UTF_8)
                .replace("Object Created", "Object Deleted");
        Entry.Rejected rejected = (Entry.Rejected) InputFormatTest.only(InputFormat.S3_EVENT, utf8(deleted));
        assertThat(rejected.error().code()).isEqualTo(ErrorCode.NOT_AN_OBJECT_CREATION);
        assertThat(
                        code(
                                InputFormat.S3_EVENT,
                                utf8(
                                        "{\"detail-type\": \"EC2 Instance State-change Notification\", \"source\": \"aws.ec2\", \"detail\": {}}")))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
    }

    @Test
    void theSameEventReadTwiceHasTheSameId() throws Exception {
        assertThat(single("minio-object-created.json").id())
                .isEqualTo(single("minio-object-created.json").id());
    }

    @Test
    void eachRecordIsOneEntryAndDeletesAreRejectedByName() throws Exception {
        List<Entry> entries = InputFormat.S3_EVENT.format().entries(resource("aws-two-records.json"), "in-0-9");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0)).isInstanceOf(Entry.Ref.class);
        assertThat(entries.get(0).id()).isEqualTo("photos/a.jpg@9b2cf535f27731c974343645a3985328-2");
        Entry.Rejected delete = (Entry.Rejected) entries.get(1);
        assertThat(delete.id()).isEqualTo("photos/b.jpg");
        assertThat(delete.error().code()).isEqualTo(ErrorCode.NOT_AN_OBJECT_CREATION);
        assertThat(delete.error().getMessage()).contains("ObjectRemoved:Delete");
        assertThat(delete.ref().getUri()).isEqualTo("s3://photos/b.jpg");
    }

    @Test
    void minioDeleteIsRejected() throws Exception {
        Entry.Rejected delete = (Entry.Rejected) single("minio-object-removed.json");
        assertThat(delete.error().code()).isEqualTo(ErrorCode.NOT_AN_OBJECT_CREATION);
    }

    @Test
    void testEventAndNonEventsAreWholeRecordErrors() throws Exception {
        assertThat(code(InputFormat.S3_EVENT, resource("aws-test-event.json")))
                .isEqualTo(ErrorCode.NOT_AN_OBJECT_CREATION);
        assertThat(error(InputFormat.S3_EVENT, resource("aws-test-event.json")).getMessage())
                .contains("s3:TestEvent");
        assertThat(code(InputFormat.S3_EVENT, utf8("{\"Records\": []}"))).isEqualTo(ErrorCode.NOT_AN_OBJECT_CREATION);
        assertThat(code(InputFormat.S3_EVENT, utf8("not json"))).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(code(InputFormat.S3_EVENT, utf8("{\"Records\": 5}"))).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
    }

    @Test
    void recordWithoutKeyIsRejectedAlone() throws Exception {
        String json = """
                {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"size": 3}}},
                             {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "k.jpg"}}}]}
                """;
        List<Entry> entries = InputFormat.S3_EVENT.format().entries(utf8(json), "in-1-5");
        assertThat(entries.get(0)).isInstanceOf(Entry.Rejected.class);
        assertThat(entries.get(0).id()).isEqualTo("in-1-5-0");
        assertThat(((Entry.Rejected) entries.get(0)).error().code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(entries.get(1).id()).isEqualTo("b/k.jpg");
    }

    @Test
    void aBucketNameThatMakesNoUriIsAnInvalidUri() throws Exception {
        String json = """
                {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "a[b"}, "object": {"key": "k.jpg"}}}]}
                """;
        Entry.Rejected rejected = (Entry.Rejected) InputFormatTest.only(InputFormat.S3_EVENT, utf8(json));
        assertThat(rejected.id()).isEqualTo("a[b/k.jpg");
        assertThat(rejected.error().code()).isEqualTo(ErrorCode.INVALID_URI);
        assertThat(rejected.error().getMessage()).contains("make no URI");
    }

    @Test
    void etagAttributeIsTheOneTheFetchStageChecks() {
        assertThat(S3EventFormat.ETAG).isEqualTo(Fetcher.S3_ETAG_ATTRIBUTE);
    }

    private static Entry single(String name) throws Exception {
        return InputFormatTest.only(InputFormat.S3_EVENT, resource(name));
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = S3EventFormatTest.class.getResourceAsStream("/events/" + name)) {
            return in.readAllBytes();
        }
    }
}
