package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ImageRef to encoded bytes: inline, file:, http(s): or s3:, as I/O of its own, apart from
 * decoding: http(s) on a non-blocking client whose few threads carry every connection, s3 and
 * file: on pools of their own, so waiting on a slow store never holds a decode thread. Every
 * fetch is a future that fails with the {@link BadInputException} that says why. Thread-safe.
 */
public final class Fetcher implements AutoCloseable {

    /** The ImageRef attribute holding the ETag an s3:// object must still have. */
    public static final String S3_ETAG_ATTRIBUTE = "s3.etag";
    /** Local files need no more readers than a disk serves at once. */
    private static final int FILE_THREADS = 4;

    private final FetchLimits limits;
    private final FileFetcher files;
    private final HttpFetcher http;
    private final S3Fetcher s3;
    private final ExecutorService filePool;
    private final ExecutorService s3Pool;

    /** @param concurrency fetches in flight at most (the caller keeps to it; connection pools are sized by it) */
    public Fetcher(FetchLimits limits, S3Settings s3, int concurrency) {
        this.limits = limits;
        this.files = new FileFetcher(limits);
        this.http = new HttpFetcher(limits, concurrency);
        this.s3 = new S3Fetcher(limits, s3, concurrency);
        this.filePool = Executors.newFixedThreadPool(FILE_THREADS, daemons("featurex-fetch-file"));
        // The SDK's synchronous client blocks a thread per request; threads start only as requests need them.
        this.s3Pool = Executors.newFixedThreadPool(concurrency, daemons("featurex-fetch-s3"));
    }

    public CompletableFuture<byte[]> fetch(ImageRef ref) {
        try {
            switch (ref.getSourceCase()) {
                case INLINE -> {
                    if (ref.getInline().size() > limits.inlineMaxBytes()) {
                        throw new BadInputException(
                                ErrorCode.INLINE_TOO_LARGE,
                                "inline image of " + ref.getInline().size() + " bytes, limit "
                                        + limits.inlineMaxBytes());
                    }
                    return CompletableFuture.completedFuture(ref.getInline().toByteArray());
                }
                case URI -> {
                    return fetchUri(ref);
                }
                default ->
                    throw new BadInputException(ErrorCode.NO_SOURCE, "ImageRef has neither uri nor inline bytes");
            }
        } catch (BadInputException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<byte[]> fetchUri(ImageRef ref) throws BadInputException {
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
            case "file" -> blocking(() -> files.fetch(uri), filePool);
            case "http", "https" -> http.fetch(uri);
            case "s3" -> blocking(() -> s3.fetch(uri, ref.getAttributesOrDefault(S3_ETAG_ATTRIBUTE, null)), s3Pool);
            default ->
                throw new BadInputException(
                        ErrorCode.UNSUPPORTED_SCHEME,
                        "unsupported scheme '" + scheme + "' in " + text + " (file, http, https, s3)");
        };
    }

    private interface BlockingFetch {
        byte[] fetch() throws BadInputException;
    }

    private static CompletableFuture<byte[]> blocking(BlockingFetch fetch, ExecutorService pool) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return fetch.fetch();
                    } catch (BadInputException e) {
                        throw new CompletionException(e);
                    }
                },
                pool);
    }

    /** Waits for a fetch: its bytes, or the reason it failed. For callers that have nothing else to do meanwhile. */
    public static byte[] await(CompletableFuture<byte[]> fetch) throws BadInputException {
        try {
            return fetch.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof BadInputException bad) {
                throw bad;
            }
            throw e;
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        filePool.shutdownNow();
        s3Pool.shutdownNow();
        http.close();
        s3.close();
    }
}
