package io.featurex.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageRefsTest {

    @Test
    void parsesAnImageRef() throws Exception {
        ImageRef ref = ImageRef.newBuilder().setId("a").setUri("file:///x.jpg").build();
        assertThat(ImageRefs.parse(ref.toByteArray())).isEqualTo(ref);
    }

    @Test
    void emptyValueIsItsOwnError() {
        assertThat(code(new byte[0])).isEqualTo(ErrorCode.EMPTY_MESSAGE);
        assertThat(code(null)).isEqualTo(ErrorCode.EMPTY_MESSAGE);
    }

    @Test
    void textIsNotAnImageRef() {
        assertThat(code("{\"uri\": \"http://example.com/a.jpg\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(code("hello world, this is not protobuf".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
    }

    private static ErrorCode code(byte[] value) {
        return catchThrowableOfType(BadInputException.class, () -> ImageRefs.parse(value))
                .code();
    }
}
