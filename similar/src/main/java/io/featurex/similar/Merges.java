package io.featurex.similar;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.MergeScheduler;

/**
 * How an HNSW index merges its segments: Lucene's concurrent merge scheduler, and the threads that
 * insert vectors into a merged graph together (Lucene's concurrent HNSW merge), which it owns and
 * stops on close. It tells the index when a merge is done, so that the next search refreshes onto
 * the merged segment instead of holding the ones it replaced.
 */
final class Merges implements AutoCloseable {

    private final Optional<ExecutorService> executor;
    private volatile Runnable onMerged = () -> {};
    private final ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler() {
        @Override
        protected void doMerge(MergeSource source, MergePolicy.OneMerge merge) throws IOException {
            super.doMerge(source, merge);
            onMerged.run();
        }
    };

    /** @param threads graph-insertion threads per merge; 1 inserts on the merge thread itself */
    Merges(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("merge threads must be at least 1, got " + threads);
        }
        AtomicInteger n = new AtomicInteger();
        this.executor = threads == 1
                ? Optional.empty()
                : Optional.of(Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "featurex-hnsw-merge-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }));
    }

    Optional<ExecutorService> executor() {
        return executor;
    }

    MergeScheduler scheduler() {
        return scheduler;
    }

    void onMerged(Runnable action) {
        this.onMerged = action;
    }

    @Override
    public void close() {
        executor.ifPresent(ExecutorService::shutdownNow);
    }
}
