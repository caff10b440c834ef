package io.featurex.worker.infer;

import io.featurex.worker.batch.BatchSizeSearch;
import io.featurex.worker.batch.BatchSizeSearch.Point;
import io.featurex.worker.batch.PixelBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Measures the loaded model at growing batch sizes on synthetic input and picks one
 * ({@code batch.max-size=auto}). The decisions are {@link BatchSizeSearch}'s; this class only
 * runs batches and reads a clock, which tests replace.
 *
 * <p>Synthetic input is enough: the network's cost does not depend on pixel values, only on
 * the batch's shape, and start-up must not depend on any image being available.
 */
public final class BatchSizeTuner {

    /** On a CPU, batches past 16 buy nothing measurable and multiply activation memory. */
    public static final int CPU_CAP = 16;
    /** A GPU keeps gaining up to large batches; 128 VGG16 inputs are 77 MB, activations a few GB. */
    public static final int GPU_CAP = 128;

    /** What was measured, what was chosen, and the table to log. */
    public record Result(int size, List<Point> points, String stopReason, String choiceReason, Duration took) {

        public String table() {
            StringBuilder s = new StringBuilder(String.format(
                    Locale.ROOT,
                    "batch.max-size=auto: measured in %.1f s%n  batch  images/s  ms/batch%n",
                    took.toMillis() / 1e3));
            for (Point p : points) {
                s.append(String.format(
                        Locale.ROOT,
                        "  %5d  %8.2f  %8.0f%s%n",
                        p.size(),
                        p.imagesPerSecond(),
                        p.size() / p.imagesPerSecond() * 1e3,
                        p.size() == size ? "  <- chosen" : ""));
            }
            s.append("  stopped: ").append(stopReason).append(System.lineSeparator());
            s.append("  chosen ").append(size).append(": ").append(choiceReason);
            return s.toString();
        }
    }

    private BatchSizeTuner() {}

    /** The largest size worth trying: by device, and never more than the pipeline holds in flight. */
    public static int cap(ModelInfo info, int maxInFlight) {
        int device = info.device().startsWith("gpu") ? GPU_CAP : CPU_CAP;
        return Math.max(1, Math.min(device, maxInFlight));
    }

    public static Result tune(FeatureExtractor extractor, int cap, Duration budget) {
        return tune(extractor, cap, budget, System::nanoTime);
    }

    static Result tune(FeatureExtractor extractor, int cap, Duration budget, LongSupplier clock) {
        BatchSizeSearch search = new BatchSizeSearch(cap);
        int inputSize = extractor.info().inputSize();
        float[] image = syntheticImage(inputSize);
        List<Point> points = new ArrayList<>();
        long start = clock.getAsLong();
        BatchSizeSearch.Next next = search.next(points, budget.toNanos());
        while (next.size().isPresent()) {
            int size = next.size().getAsInt();
            points.add(measure(extractor, new PixelBatch(Collections.nCopies(size, image), inputSize), clock));
            next = search.next(points, budget.toNanos() - (clock.getAsLong() - start));
        }
        BatchSizeSearch.Choice choice = BatchSizeSearch.choose(points);
        return new Result(
                choice.size(),
                List.copyOf(points),
                next.stopReason(),
                choice.reason(),
                Duration.ofNanos(clock.getAsLong() - start));
    }

    /** One warm-up batch (allocator and kernel selection for the new shape), then the fastest of the timed ones. */
    private static Point measure(FeatureExtractor extractor, PixelBatch batch, LongSupplier clock) {
        for (int i = 0; i < BatchSizeSearch.WARM_UP_BATCHES; i++) {
            extractor.extract(batch);
        }
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < BatchSizeSearch.TIMED_BATCHES; i++) {
            long started = clock.getAsLong();
            extractor.extract(batch);
            fastest = Math.min(fastest, clock.getAsLong() - started);
        }
        return new Point(batch.count(), batch.count() / (Math.max(1, fastest) / 1e9));
    }

    /** Seeded values in the range preprocessed pixels take; the same every start. */
    private static float[] syntheticImage(int size) {
        Random random = new Random(42);
        float[] pixels = new float[size * size * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat() * 2 - 1;
        }
        return pixels;
    }
}
