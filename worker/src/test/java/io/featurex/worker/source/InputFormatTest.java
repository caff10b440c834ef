package io.featurex.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputFormatTest {

    private static final String FALLBACK = "in-2-17";

    @Test
    void namesAreTheConfigurationKeys() {
        assertThat(InputFormat.byKey("s3-event")).isEqualTo(InputFormat.S3_EVENT);
        assertThat(InputFormat.byKey(" JSON ")).isEqualTo(InputFormat.JSON);
        assertThat(InputFormat.byKey("avro")).isNull();
    }

    @Test
    void protobufKeepsItsIdOrFallsBackToCoordinates() throws Exception {
        ImageRef withId =
                ImageRef.newBuilder().setId("x").setUri("file:///a.jpg").build();
        assertThat(only(InputFormat.PROTOBUF, withId.toByteArray())).isEqualTo(new Entry.Ref("x", withId));
        ImageRef withoutId = ImageRef.newBuilder().setUri("file:///a.jpg").build();
        assertThat(only(InputFormat.PROTOBUF, withoutId.toByteArray()).id()).isEqualTo(FALLBACK);
    }

    @Test
    void uriIsItsOwnIdAndSurroundingWhitespaceIsIgnored() throws Exception {
        Entry.Ref entry = (Entry.Ref) only(InputFormat.URI, utf8("  s3://photos/cats/a.jpg\n"));
        assertThat(entry.id()).isEqualTo("s3://photos/cats/a.jpg");
        assertThat(entry.ref().getUri()).isEqualTo("s3://photos/cats/a.jpg");
    }

    @Test
    void uriRejectsEmptyTwoUrisAndNonUtf8() {
        assertThat(code(InputFormat.URI, utf8(" \n"))).isEqualTo(ErrorCode.EMPTY_MESSAGE);
        assertThat(code(InputFormat.URI, utf8("file:///a.jpg file:///b.jpg"))).isEqualTo(ErrorCode.INVALID_URI);
        assertThat(code(InputFormat.URI, utf8("http://example.com/a cat.jpg"))).isEqualTo(ErrorCode.INVALID_URI);
        assertThat(code(InputFormat.URI, new byte[] {(byte) 0xC3, (byte) 0x28})).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(code(InputFormat.URI, null)).isEqualTo(ErrorCode.EMPTY_MESSAGE);
    }

    @Test
    void jsonReadsEveryKnownFieldAndIgnoresOthers() throws Exception {
        Entry.Ref entry = (Entry.Ref) only(InputFormat.JSON, utf8("""
                {"id": "cat-1", "uri": "https://img.example.com/cat.jpg", "attributes": {"album": "pets"},
                 "event_time": "2026-11-25T10:00:00.250+01:00", "producer": "camera-7"}
                """));
        assertThat(entry.id()).isEqualTo("cat-1");
        assertThat(entry.ref().getUri()).isEqualTo("https://img.example.com/cat.jpg");
        assertThat(entry.ref().getAttributesMap()).containsExactly(Map.entry("album", "pets"));
        assertThat(entry.ref().getEventTime().getSeconds())
                .isEqualTo(Instant.parse("2026-11-25T09:00:00Z").getEpochSecond());
        assertThat(entry.ref().getEventTime().getNanos()).isEqualTo(250_000_000);
    }

    @Test
    void jsonIdDefaultsToTheUri() throws Exception {
        assertThat(only(InputFormat.JSON, utf8("{\"uri\": \"file:///a.jpg\"}")).id())
                .isEqualTo("file:///a.jpg");
    }

    @Test
    void jsonProblemsAreNamed() {
        assertThat(code(InputFormat.JSON, utf8("{\"id\": \"x\"}"))).isEqualTo(ErrorCode.NO_SOURCE);
        assertThat(code(InputFormat.JSON, utf8("[{\"uri\": \"file:///a.jpg\"}]")))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(code(InputFormat.JSON, utf8("{\"uri\": 7}"))).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(code(InputFormat.JSON, utf8("{\"uri\": \"file:///a.jpg\", \"attributes\": {\"n\": 1}}")))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(code(InputFormat.JSON, utf8("{\"uri\": \"file:///a.jpg\", \"event_time\": \"yesterday\"}")))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(code(InputFormat.JSON, utf8("{\"uri\": "))).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        BadInputException error = error(InputFormat.JSON, utf8("{\"uri\": \"file:///a.jpg\", \"id\": 3}"));
        assertThat(error.getMessage()).contains("\"id\" must be a string");
    }

    static Entry only(InputFormat format, byte[] value) throws BadInputException {
        List<Entry> entries = format.format().entries(value, FALLBACK);
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    static ErrorCode code(InputFormat format, byte[] value) {
        return error(format, value).code();
    }

    static BadInputException error(InputFormat format, byte[] value) {
        return catchThrowableOfType(
                BadInputException.class, () -> format.format().entries(value, FALLBACK));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
