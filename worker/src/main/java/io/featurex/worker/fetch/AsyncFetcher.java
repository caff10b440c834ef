package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches as I/O of their own, apart from decoding: each fetch runs on a pool sized for the
 * fetches allowed in flight, so waiting on a slow store never holds a decode thread. A future
 * fails with a {@link CompletionException} around the {@link BadInputException} that names why.
 */
public final class AsyncFetcher implements AutoCloseable {

    private final Fetcher fetcher;
    private final ExecutorService pool;

    /** @param concurrency fetches in flight at most (the caller keeps to it; the pool is sized by it) */
    public AsyncFetcher(Fetcher fetcher, int concurrency) {
        this.fetcher = fetcher;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "featurex-fetch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public CompletableFuture<byte[]> fetch(ImageRef ref) {
        if (ref.getSourceCase() == ImageRef.SourceCase.INLINE) {
            try {
                return CompletableFuture.completedFuture(fetcher.fetch(ref)); // no I/O: the bytes are in the record
            } catch (BadInputException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return fetcher.fetch(ref);
            } catch (BadInputException e) {
                throw new CompletionException(e);
            } catch (RuntimeException e) {
                // A client library tripping over this particular reference is still this input's failure.
                throw new CompletionException(new BadInputException(ErrorCode.FETCH_FAILED, "unexpected " + e, e));
            }
        }, pool);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        fetcher.close();
    }
}
