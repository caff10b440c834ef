package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** ImageRef to encoded bytes: inline, file: or http(s):. Thread-safe. */
public final class Fetcher {

    private final FetchLimits limits;
    private final FileFetcher files;
    private final HttpFetcher http;

    public Fetcher(FetchLimits limits) {
        this.limits = limits;
        this.files = new FileFetcher(limits);
        this.http = new HttpFetcher(limits);
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
                return fetchUri(ref.getUri());
            }
            default -> throw new BadInputException(ErrorCode.NO_SOURCE, "ImageRef has neither uri nor inline bytes");
        }
    }

    private byte[] fetchUri(String text) throws BadInputException {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new BadInputException(ErrorCode.MALFORMED_MESSAGE, "not a valid URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> files.fetch(uri);
            case "http", "https" -> http.fetch(uri);
            default -> throw new BadInputException(ErrorCode.UNSUPPORTED_SCHEME,
                    "unsupported scheme '" + scheme + "' in " + text + " (file, http, https)");
        };
    }
}
