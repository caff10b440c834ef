package io.featurex.worker.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Which batch sizes to measure at start-up, when to stop, and which to keep: pure functions of
 * the points measured so far and the time left, so the search is tested without a model and
 * without a clock (the loop that runs the model is {@code infer.BatchSizeTuner}).
 *
 * <p>Candidates are powers of two up to a cap (small on a CPU, where batches barely pay; large
 * on a GPU, where they do). The search grows the batch while doubling it still buys more than
 * {@link #MIN_GAIN} throughput and the next measurement fits the time left; it then keeps the
 * smallest size within {@link #LATENCY_TOLERANCE} of the best, since a batch waits for its
 * slowest image: a few percent of throughput is not worth doubling every image's model time.
 */
public final class BatchSizeSearch {

    /** Growing stops once doubling the batch gains this share of throughput or less. */
    public static final double MIN_GAIN = 0.03;
    /** The smallest size at least (1 - this) times the best throughput is chosen. */
    public static final double LATENCY_TOLERANCE = 0.03;
    /** Batches run per measured size: one warm-up, then timed ones. Sets the cost estimate. */
    public static final int WARM_UP_BATCHES = 1;

    public static final int TIMED_BATCHES = 3;

    /** One measured size: images per second of its fastest timed batch. */
    public record Point(int size, double imagesPerSecond) {
        public Point {
            if (size < 1 || !(imagesPerSecond > 0)) {
                throw new IllegalArgumentException(
                        "point needs size >= 1 and a positive rate, got " + size + ", " + imagesPerSecond);
            }
        }
    }

    /** The next size to measure; empty (with the reason) when the search is over. */
    public record Next(OptionalInt size, String stopReason) {
        static Next measure(int size) {
            return new Next(OptionalInt.of(size), "");
        }

        static Next stop(String reason) {
            return new Next(OptionalInt.empty(), reason);
        }
    }

    /** The size kept, and why it rather than the fastest. */
    public record Choice(int size, String reason) {}

    private final int cap;

    /** @param cap the largest size worth trying (device limit, and never above what the pipeline holds) */
    public BatchSizeSearch(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1, got " + cap);
        }
        this.cap = cap;
    }

    /** Powers of two from 1 up to the cap. */
    public List<Integer> candidates() {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 1; size <= cap && size > 0; size *= 2) {
            sizes.add(size);
        }
        return sizes;
    }

    /**
     * @param measured       points so far, in the order measured (candidates in ascending order)
     * @param remainingNanos time left in the budget
     */
    public Next next(List<Point> measured, long remainingNanos) {
        List<Integer> sizes = candidates();
        if (measured.isEmpty()) {
            return Next.measure(sizes.get(0)); // one point is always needed, and size 1 is the cheapest
        }
        Point last = measured.get(measured.size() - 1);
        int index = sizes.indexOf(last.size());
        if (index < 0 || index == sizes.size() - 1) {
            return Next.stop("largest candidate (" + cap + ") reached");
        }
        if (measured.size() >= 2) {
            Point previous = measured.get(measured.size() - 2);
            double gain = last.imagesPerSecond() / previous.imagesPerSecond() - 1;
            if (gain <= MIN_GAIN) {
                return Next.stop(String.format(
                        Locale.ROOT,
                        "%d -> %d gained %+.1f%% (more than %.0f%% needed to keep growing)",
                        previous.size(),
                        last.size(),
                        gain * 100,
                        MIN_GAIN * 100));
            }
        }
        int size = sizes.get(index + 1);
        long cost = estimatedCostNanos(size, last.imagesPerSecond());
        if (cost > remainingNanos) {
            return Next.stop(String.format(
                    Locale.ROOT,
                    "measuring %d would take ~%.1f s, %.1f s of the budget left",
                    size,
                    cost / 1e9,
                    Math.max(0, remainingNanos) / 1e9));
        }
        return Next.measure(size);
    }

    /** Time to measure {@code size}, assuming the throughput of the last size measured. */
    static long estimatedCostNanos(int size, double imagesPerSecond) {
        return (long) ((WARM_UP_BATCHES + TIMED_BATCHES) * size / imagesPerSecond * 1e9);
    }

    /** The smallest size within {@link #LATENCY_TOLERANCE} of the best throughput measured. */
    public static Choice choose(List<Point> measured) {
        if (measured.isEmpty()) {
            throw new IllegalArgumentException("nothing measured");
        }
        Point best = measured.get(0);
        for (Point p : measured) {
            if (p.imagesPerSecond() > best.imagesPerSecond()) {
                best = p;
            }
        }
        Point chosen = best;
        for (Point p : measured) {
            if (p.size() < chosen.size() && p.imagesPerSecond() >= best.imagesPerSecond() * (1 - LATENCY_TOLERANCE)) {
                chosen = p;
            }
        }
        String reason = chosen == best
                ? "fastest measured"
                : String.format(
                        Locale.ROOT,
                        "within %.0f%% of the fastest (%d: %.2f images/s), and a smaller batch waits less",
                        LATENCY_TOLERANCE * 100,
                        best.size(),
                        best.imagesPerSecond());
        return new Choice(chosen.size(), reason);
    }
}
