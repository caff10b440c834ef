package io.featurex.worker.source;

import com.google.protobuf.InvalidProtocolBufferException;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;

/** Record bytes to {@link ImageRef}. */
public final class ImageRefs {

    private ImageRefs() {}

    public static ImageRef parse(byte[] value) throws BadInputException {
        if (value == null || value.length == 0) {
            throw new BadInputException(ErrorCode.EMPTY_MESSAGE, "record has no value");
        }
        ImageRef ref;
        try {
            ref = ImageRef.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException(ErrorCode.MALFORMED_MESSAGE, "not an ImageRef protobuf: " + e.getMessage(), e);
        }
        // Arbitrary bytes sometimes parse as a message made only of unknown fields.
        if (ref.getSourceCase() == ImageRef.SourceCase.SOURCE_NOT_SET
                && !ref.getUnknownFields().asMap().isEmpty()) {
            throw new BadInputException(
                    ErrorCode.MALFORMED_MESSAGE,
                    "not an ImageRef protobuf: only unknown fields "
                            + ref.getUnknownFields().asMap().keySet());
        }
        return ref;
    }
}
