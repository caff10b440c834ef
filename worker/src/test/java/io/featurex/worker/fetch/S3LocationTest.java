package io.featurex.worker.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import io.featurex.worker.source.Entry;
import io.featurex.worker.source.InputFormat;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3LocationTest {

    @Test
    void bucketKeyAndVersion() throws Exception {
        assertThat(S3Location.of(URI.create("s3://photos/2026/cat.jpg")))
                .isEqualTo(new S3Location("photos", "2026/cat.jpg", null));
        assertThat(S3Location.of(URI.create("s3://photos/cat.jpg?versionId=3%2Bx.y")))
                .isEqualTo(new S3Location("photos", "cat.jpg", "3+x.y"));
        assertThat(S3Location.of(URI.create("s3://legacy_bucket/a%20b%3Fc%23d%25e.jpg")))
                .isEqualTo(new S3Location("legacy_bucket", "a b?c#d%e.jpg", null));
    }

    @Test
    void keysSurviveTheTripFromAnEventToTheFetchStage() throws Exception {
        for (String key : List.of(
                "plain.jpg",
                "dir/sub dir/a b.jpg",
                "q?uestion#hash%percent+plus&amp.png",
                "ünïcödé/猫.jpg",
                "a//b.jpg")) {
            String event = """
                    {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "photos"},
                      "object": {"key": "%s", "versionId": "v+1"}}}]}""".formatted(URLEncoder.encode(key, StandardCharsets.UTF_8));
            List<Entry> entries = InputFormat.S3_EVENT.format().entries(event.getBytes(StandardCharsets.UTF_8), "x");
            String uri = ((Entry.Ref) entries.get(0)).ref().getUri();
            assertThat(S3Location.of(new URI(uri))).as(uri).isEqualTo(new S3Location("photos", key, "v+1"));
        }
    }

    @Test
    void incompleteOrAmbiguousUrisAreInvalid() {
        for (String uri : List.of(
                "s3:///key.jpg", "s3://bucket", "s3://bucket/", "s3://bucket/a.jpg?x=1", "s3://bucket/a.jpg#frag")) {
            BadInputException e = catchThrowableOfType(BadInputException.class, () -> S3Location.of(URI.create(uri)));
            assertThat(e).as(uri).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI);
        }
    }

    @Test
    void errorResponsesMapToDeadLetterCodes() {
        assertThat(S3Errors.code(404, "NoSuchKey", false)).isEqualTo(ErrorCode.OBJECT_NOT_FOUND);
        assertThat(S3Errors.code(404, "NoSuchBucket", false)).isEqualTo(ErrorCode.OBJECT_NOT_FOUND);
        assertThat(S3Errors.code(400, "NoSuchVersion", false)).isEqualTo(ErrorCode.OBJECT_NOT_FOUND);
        assertThat(S3Errors.code(403, "AccessDenied", false)).isEqualTo(ErrorCode.ACCESS_DENIED);
        assertThat(S3Errors.code(403, "SignatureDoesNotMatch", false)).isEqualTo(ErrorCode.ACCESS_DENIED);
        assertThat(S3Errors.code(412, "PreconditionFailed", false)).isEqualTo(ErrorCode.OBJECT_CHANGED);
        assertThat(S3Errors.code(503, "SlowDown", true)).isEqualTo(ErrorCode.THROTTLED);
        assertThat(S3Errors.code(503, null, false)).isEqualTo(ErrorCode.THROTTLED);
        assertThat(S3Errors.code(429, null, false)).isEqualTo(ErrorCode.THROTTLED);
        assertThat(S3Errors.code(500, "InternalError", false)).isEqualTo(ErrorCode.HTTP_SERVER_ERROR);
        assertThat(S3Errors.code(400, "InvalidArgument", false)).isEqualTo(ErrorCode.HTTP_CLIENT_ERROR);
    }
}
