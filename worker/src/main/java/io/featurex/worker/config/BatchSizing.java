package io.featurex.worker.config;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * {@code batch.max-size}: a number, or {@code auto}, decided by measuring the loaded model at
 * start-up within {@code batch.auto-budget-ms} (the model must exist first, so the decision is
 * made after configuration: {@link #measured(int)} records it).
 *
 * @param maxSize    the largest batch; empty while auto is undecided
 * @param measured   whether {@code maxSize} came from the start-up measurement
 * @param autoBudget time the measurement may take
 */
public record BatchSizing(OptionalInt maxSize, boolean measured, Duration autoBudget) {

    public BatchSizing {
        if (maxSize.isPresent() && maxSize.getAsInt() < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + maxSize.getAsInt());
        }
        if (measured && maxSize.isEmpty()) {
            throw new IllegalArgumentException("a measured batch size needs a size");
        }
    }

    public static BatchSizing fixed(int maxSize, Duration autoBudget) {
        return new BatchSizing(OptionalInt.of(maxSize), false, autoBudget);
    }

    public static BatchSizing auto(Duration autoBudget) {
        return new BatchSizing(OptionalInt.empty(), false, autoBudget);
    }

    /** Whether the size is still to be measured. */
    public boolean undecided() {
        return maxSize.isEmpty();
    }

    public BatchSizing measured(int size) {
        return new BatchSizing(OptionalInt.of(size), true, autoBudget);
    }

    /** The decided size; a worker cannot start on an undecided one. */
    public int resolved() {
        return maxSize.orElseThrow(
                () -> new IllegalStateException(
                        "batch.max-size=auto is decided once the model is loaded: measure it (BatchSizeTuner) before starting a worker"));
    }
}
