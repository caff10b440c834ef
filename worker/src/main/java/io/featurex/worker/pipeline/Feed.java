package io.featurex.worker.pipeline;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.source.Entry;
import io.featurex.worker.source.ImageOutcome;
import io.featurex.worker.source.InputRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The feed of the model: images from their records to pixels, each step bounded on its own so
 * the model never waits on I/O and memory never grows with the input. Images are admitted in the
 * order they were read; a fetch starts while fewer than {@code fetch.max-concurrency} are in
 * flight and the encoded bytes held, with those of the fetches under way (counted at the size of the
 * largest recent fetch), stay within {@code fetch.max-bytes-in-flight}; an image goes to
 * the decode pool while fewer than two batches' worth of pixels (decoding or decoded) wait for the
 * model.
 * A failure of one image completes its record's outcome for that image: nothing is dropped.
 *
 * <p>All state is the loop thread's: the stages' completions come back through {@code loop}.
 */
final class Feed {

    /** @param maxDecoded images decoding (queued at the pool or running) or decoded, waiting for the model, at most */
    record Limits(int maxFetches, long maxBytes, int maxDecoded, long firstGuessBytes) {}

    /** The fetch stage: a future of the bytes, failing with the {@link BadInputException} that says why. */
    interface Fetch {
        CompletableFuture<byte[]> fetch(ImageRef ref);
    }

    /** The decode stage, run on a decode thread. */
    interface Decode {
        float[] decode(byte[] bytes) throws BadInputException;
    }

    private static final int RECENT_FETCHES = 64;

    private final Fetch fetcher;
    private final Decode decoder;
    private final Executor decodePool;
    private final Executor loop;
    private final Limits limits;
    private final WorkerMetrics metrics;
    private final Consumer<Throwable> fatal;

    private final ArrayDeque<ImageTask> waiting = new ArrayDeque<>();
    private final ArrayDeque<ImageTask> fetched = new ArrayDeque<>();
    private final ArrayDeque<ImageTask> decoded = new ArrayDeque<>();
    private int fetching;
    private int decoding;
    private int inModel;
    private long bytesHeld;
    /** The sizes of the latest fetches, for what a fetch under way is counted at. */
    private final long[] recentSizes = new long[RECENT_FETCHES];

    private long fetchedCount;

    /**
     * @param loop  runs a task on the loop thread (and wakes it)
     * @param fatal told of an error no input explains (out of memory, a bug): the worker must stop
     */
    Feed(
            Fetch fetcher,
            Decode decoder,
            Executor decodePool,
            Executor loop,
            Limits limits,
            WorkerMetrics metrics,
            Consumer<Throwable> fatal) {
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.decodePool = decodePool;
        this.loop = loop;
        this.limits = limits;
        this.metrics = metrics;
        this.fatal = fatal;
    }

    /** The record's images join the queue; its rejected entries have their outcomes already. */
    void add(InputRecord record) {
        for (int i = 0; i < record.images(); i++) {
            if (record.entries().get(i) instanceof Entry.Ref ref) {
                waiting.addLast(new ImageTask(record, i, ref.ref()));
            }
        }
    }

    /** Starts what the limits allow now. */
    void advance() {
        // Decodes are handed to the pool as soon as pixels may be made, more than it has threads, so a
        // decode thread takes its next image without waiting for the loop.
        while (!fetched.isEmpty() && decoding + decoded.size() < limits.maxDecoded()) {
            startDecode(fetched.removeFirst());
        }
        // Fetches under way count at the size of the largest recent fetch: their bodies are allocated
        // as they arrive, so without it a few hundred large photos in flight at once fill the heap.
        while (!waiting.isEmpty() && fetching < limits.maxFetches() && mayFetchMore()) {
            ImageTask task = waiting.removeFirst();
            if (!task.stale()) {
                startFetch(task);
            }
        }
    }

    private void startFetch(ImageTask task) {
        fetching++;
        long started = System.nanoTime();
        fetcher.fetch(task.ref)
                .whenComplete((bytes, error) -> loop.execute(() -> {
                    fetching--;
                    if (error != null) {
                        fail(task, error);
                    } else if (!task.stale()) {
                        metrics.stage(WorkerMetrics.Stage.FETCH, (System.nanoTime() - started) / 1e9);
                        task.bytes = bytes;
                        bytesHeld += bytes.length;
                        recentSizes[(int) (fetchedCount++ % RECENT_FETCHES)] = bytes.length;
                        fetched.addLast(task);
                    }
                    advance();
                }));
    }

    private void startDecode(ImageTask task) {
        if (task.stale()) {
            release(task);
            return;
        }
        decoding++;
        byte[] bytes = task.bytes;
        decodePool.execute(() -> {
            long started = System.nanoTime();
            Object result;
            try {
                result = decoder.decode(bytes);
            } catch (BadInputException e) {
                result = e;
            } catch (RuntimeException e) {
                // An image plugin's bug on odd bytes is still this input's failure.
                result = new BadInputException(ErrorCode.UNDECODABLE_IMAGE, "unexpected " + e, e);
            } catch (Throwable e) {
                result = e; // out of memory and the like: the worker's failure, not the input's
            }
            long done = System.nanoTime();
            Object outcome = result;
            loop.execute(() -> decoded(task, outcome, done - started));
        });
    }

    private void decoded(ImageTask task, Object outcome, long nanos) {
        decoding--;
        release(task);
        if (outcome instanceof float[] pixels) {
            metrics.stage(WorkerMetrics.Stage.DECODE, nanos / 1e9);
            if (!task.stale()) {
                task.pixels = pixels;
                task.decodedNanos = System.nanoTime();
                decoded.addLast(task);
            }
        } else if (outcome instanceof BadInputException e) {
            complete(task, new ImageOutcome.Failed(e));
        } else {
            fatal.accept((Throwable) outcome);
        }
        advance();
    }

    private void fail(ImageTask task, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof BadInputException e) {
            complete(task, new ImageOutcome.Failed(e));
        } else if (cause instanceof Error || !(cause instanceof Exception)) {
            fatal.accept(cause);
        } else {
            complete(
                    task,
                    new ImageOutcome.Failed(
                            new BadInputException(ErrorCode.FETCH_FAILED, "unexpected " + cause, cause)));
        }
    }

    private void complete(ImageTask task, ImageOutcome outcome) {
        if (!task.stale()) {
            task.record.complete(task.index, outcome);
        }
    }

    private void release(ImageTask task) {
        if (task.bytes != null) {
            bytesHeld -= task.bytes.length;
            task.bytes = null;
        }
    }

    /** One fetch at a time always may go while the bytes held are under the bound, whatever their size. */
    private boolean mayFetchMore() {
        return fetching == 0
                ? bytesHeld < limits.maxBytes()
                : bytesHeld + (fetching + 1) * expectedBytes() <= limits.maxBytes();
    }

    /**
     * What a fetch under way is counted at: the largest of the latest fetches, and not less than
     * the first guess until there are enough of them. Not the mean: small images come back first,
     * so a mean of what has come back underrates what is still coming.
     */
    long expectedBytes() {
        long largest = 1;
        for (int i = 0; i < Math.min(fetchedCount, RECENT_FETCHES); i++) {
            largest = Math.max(largest, recentSizes[i]);
        }
        return fetchedCount < RECENT_FETCHES ? Math.max(largest, limits.firstGuessBytes()) : largest;
    }

    /** Lets go at once of what is held for dropped records (their partitions were revoked or rewound). */
    void dropStale() {
        waiting.removeIf(ImageTask::stale);
        fetched.removeIf(task -> {
            if (task.stale()) {
                release(task);
                return true;
            }
            return false;
        });
        decoded.removeIf(ImageTask::stale);
    }

    /** Decoded images waiting for the model. */
    int decodedCount() {
        return decoded.size();
    }

    /** When the longest-waiting decoded image became ready; 0 when none waits. */
    long oldestDecodedNanos() {
        return decoded.isEmpty() ? 0 : decoded.peekFirst().decodedNanos;
    }

    /** Takes up to {@code n} decoded images for the model, in the order they became ready. */
    List<ImageTask> takeDecoded(int n) {
        List<ImageTask> taken = new ArrayList<>(n);
        while (taken.size() < n && !decoded.isEmpty()) {
            ImageTask task = decoded.removeFirst();
            if (!task.stale()) {
                taken.add(task);
            }
        }
        inModel += taken.size();
        return taken;
    }

    /** The model is done with {@code n} images taken earlier. */
    void leftModel(int n) {
        inModel -= n;
        advance();
    }

    void report() {
        Map<String, Integer> byState = new LinkedHashMap<>();
        byState.put("waiting", waiting.size());
        byState.put("fetching", fetching);
        byState.put("fetched", fetched.size());
        byState.put("decoding", decoding);
        byState.put("decoded", decoded.size());
        byState.put("in_model", inModel);
        metrics.pipeline(byState, bytesHeld);
    }
}
