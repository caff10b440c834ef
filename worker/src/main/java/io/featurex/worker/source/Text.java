package io.featurex.worker.source;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Record values as text: strictly UTF-8, so mojibake becomes a dead letter rather than a wrong id. */
final class Text {

    private static final int EXCERPT_CHARS = 120;

    private Text() {}

    static String utf8(byte[] value) throws BadInputException {
        if (value == null || value.length == 0) {
            throw new BadInputException(ErrorCode.EMPTY_MESSAGE, "record has no value");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(ErrorCode.MALFORMED_MESSAGE, "record value is not UTF-8 text", e);
        }
    }

    static String excerpt(String text) {
        return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS) + "...";
    }
}
