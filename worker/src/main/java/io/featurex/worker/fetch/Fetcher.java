package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** ImageRef to encoded bytes: inline, file:, http(s): or s3:. Thread-safe. */
public final class Fetcher implements AutoCloseable {

    /** The ImageRef attribute holding the ETag an s3:// object must still have. */
    public static final String S3_ETAG_ATTRIBUTE = "s3.etag";

    private final FetchLimits limits;
    private final FileFetcher files;
    private final HttpFetcher http;
    private final S3Fetcher s3;

    /** @param connections concurrent fetches to expect (the decode pool's size) */
    public Fetcher(FetchLimits limits, S3Settings s3, int connections) {
        this.limits = limits;
        this.files = new FileFetcher(limits);
        this.http = new HttpFetcher(limits, connections);
        this.s3 = new S3Fetcher(limits, s3, connections);
    }

    public byte[] fetch(ImageRef ref) throws BadInputException {
        switch (ref.getSourceCase()) {
            case INLINE -> {
                if (ref.getInline().size() > limits.inlineMaxBytes()) {
                    throw new BadInputException(ErrorCode.INLINE_TOO_LARGE,
                            "inline image of " + ref.getInline().size() + " bytes, limit " + limits.inlineMaxBytes());
                }
                return ref.getInline().toByteArray();
            }
            case URI -> {
                return fetchUri(ref);
            }
            default -> throw new BadInputException(ErrorCode.NO_SOURCE, "ImageRef has neither uri nor inline bytes");
        }
    }

    private byte[] fetchUri(ImageRef ref) throws BadInputException {
        String text = ref.getUri();
        if (text.isBlank()) {
            throw new BadInputException(ErrorCode.NO_SOURCE, "ImageRef's uri is empty");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new BadInputException(ErrorCode.INVALID_URI, "not a valid URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> files.fetch(uri);
            case "http", "https" -> http.fetch(uri);
            case "s3" -> s3.fetch(uri, ref.getAttributesOrDefault(S3_ETAG_ATTRIBUTE, null));
            default -> throw new BadInputException(ErrorCode.UNSUPPORTED_SCHEME,
                    "unsupported scheme '" + scheme + "' in " + text + " (file, http, https, s3)");
        };
    }

    @Override
    public void close() {
        http.close();
        s3.close();
    }
}
