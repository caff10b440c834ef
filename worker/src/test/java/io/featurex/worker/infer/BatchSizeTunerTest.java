package io.featurex.worker.infer;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.batch.BatchSizeSearch.Point;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.Preprocessing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The measuring loop against a fake model that advances a fake clock: no sleeping, no libtorch. */
class BatchSizeTunerTest {

    @Test
    void measuresUntilDoublingStopsPayingAndKeepsTheSmallerSizeWithinTolerance() {
        // ms per batch: a fixed 10 ms per call plus 100 ms per image: throughput rises, then flattens.
        FakeModel model = new FakeModel(n -> 10_000_000L + 100_000_000L * n);
        BatchSizeTuner.Result result = BatchSizeTuner.tune(model, 16, Duration.ofMinutes(5), model::now);
        assertThat(result.points()).extracting(Point::size).containsExactly(1, 2, 4);
        assertThat(result.points().get(0).imagesPerSecond()).isCloseTo(1 / 0.11, Offset.offset(1e-9));
        // 2 -> 4: 9.52 -> 9.76 images/s, +2.4%: stop; 2 is within 3% of 4.
        assertThat(result.size()).isEqualTo(2);
        assertThat(result.stopReason()).contains("2 -> 4");
        assertThat(model.batchSizes).containsExactly(1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4);
        assertThat(result.table()).contains("<- chosen").contains("chosen 2: within 3%");
    }

    @Test
    void aModelThatKeepsGainingIsMeasuredUpToTheCap() {
        FakeModel model = new FakeModel(n -> 100_000_000L + 1_000_000L * n); // GPU-like: fixed cost dominates
        BatchSizeTuner.Result result = BatchSizeTuner.tune(model, 64, Duration.ofMinutes(5), model::now);
        assertThat(result.points()).extracting(Point::size).containsExactly(1, 2, 4, 8, 16, 32, 64);
        assertThat(result.size()).isEqualTo(64);
        assertThat(result.stopReason()).contains("largest candidate (64)");
    }

    @Test
    void theBudgetEndsTheSearchBeforeAnExpensiveSize() {
        FakeModel model = new FakeModel(n -> 1_000_000_000L * n / 2 + 1_000_000_000L); // slow, still gaining
        BatchSizeTuner.Result result = BatchSizeTuner.tune(model, 16, Duration.ofSeconds(30), model::now);
        assertThat(model.now()).isLessThanOrEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(result.stopReason()).contains("of the budget left");
        assertThat(result.points()).isNotEmpty();
    }

    @Test
    void theCapFollowsTheDeviceAndThePipeline() {
        assertThat(BatchSizeTuner.cap(info("cpu()"), 64)).isEqualTo(16);
        assertThat(BatchSizeTuner.cap(info("gpu(0)"), 64)).isEqualTo(64);
        assertThat(BatchSizeTuner.cap(info("gpu(0)"), 1000)).isEqualTo(128);
        assertThat(BatchSizeTuner.cap(info("cpu()"), 4)).isEqualTo(4);
    }

    private static ModelInfo info(String device) {
        return new ModelInfo(
                "vgg16", WeightsSource.RANDOM, "random:seed=1", Preprocessing.CAFFE, Precision.FP32, 8, 4, device);
    }

    /** Each batch of n images takes cost(n) nanoseconds of fake time. */
    private static final class FakeModel implements FeatureExtractor {
        private final IntToLongFunction cost;
        private long now;
        final List<Integer> batchSizes = new ArrayList<>();

        FakeModel(IntToLongFunction cost) {
            this.cost = cost;
        }

        long now() {
            return now;
        }

        @Override
        public ModelInfo info() {
            return BatchSizeTunerTest.info("cpu()");
        }

        @Override
        public float[][] extract(PixelBatch batch) {
            batchSizes.add(batch.count());
            now += cost.applyAsLong(batch.count());
            return new float[batch.count()][4];
        }

        @Override
        public void close() {}
    }
}
