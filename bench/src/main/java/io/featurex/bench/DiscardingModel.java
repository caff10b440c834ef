package io.featurex.bench;

import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelInfo;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.infer.WeightsSource;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The model stage replaced by one that discards each batch and answers zeros at once: what the
 * pipeline hands it is what the feed can deliver. A measurement of the bench only, never a worker
 * setting; its outputs say so (architecture "bench-discard").
 */
final class DiscardingModel implements FeatureExtractor {

    /** The first tenth is the warm-up (JIT, connections, the first poll); the rate is taken over the rest. */
    private static final double WARM_UP = 0.1;

    private final int expected;
    private final ModelInfo info;
    private final CountDownLatch all = new CountDownLatch(1);
    private int handed;
    private long warmNanos;
    private int warmImages;
    private long lastNanos;

    DiscardingModel(int expected, String preprocessing) {
        this.expected = expected;
        this.info = new ModelInfo(
                "bench-discard",
                WeightsSource.RANDOM,
                "none",
                Preprocessing.fromKey(preprocessing),
                Precision.FP32,
                224,
                512,
                "none");
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public synchronized float[][] extract(PixelBatch batch) {
        long now = System.nanoTime();
        handed += batch.count();
        if (warmNanos == 0 && handed >= expected * WARM_UP) {
            warmNanos = now;
            warmImages = handed;
        }
        lastNanos = now;
        if (handed >= expected) {
            all.countDown();
        }
        return new float[batch.count()][info.dimension()];
    }

    boolean awaitAll(Duration timeout) throws InterruptedException {
        return all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized int handed() {
        return handed;
    }

    /** Images/s handed over after the warm-up, up to the last batch. */
    synchronized double steadyRate() {
        double seconds = (lastNanos - warmNanos) / 1e9;
        return seconds <= 0 ? Double.NaN : (handed - warmImages) / seconds;
    }

    @Override
    public void close() {
        // nothing held
    }
}
