package io.featurex.worker.source;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.util.List;

/**
 * A record value that is one URI in UTF-8 (what a shell pipe or a log shipper produces). The URI
 * is the image's id: the same reference sent twice overwrites its vector downstream.
 */
final class UriFormat implements RecordFormat {

    @Override
    public List<Entry> entries(byte[] value, String fallbackId) throws BadInputException {
        String uri = Text.utf8(value).strip();
        if (uri.isEmpty()) {
            throw new BadInputException(ErrorCode.EMPTY_MESSAGE, "record has no URI");
        }
        if (uri.codePoints().anyMatch(Character::isWhitespace)) {
            throw new BadInputException(
                    ErrorCode.INVALID_URI, "expected one URI, found whitespace inside: " + Text.excerpt(uri));
        }
        return List.of(
                new Entry.Ref(uri, ImageRef.newBuilder().setId(uri).setUri(uri).build()));
    }
}
