package io.featurex.bench;

import java.util.function.IntConsumer;

/**
 * Runs one batch of work repeatedly: one warm-up call not counted, then calls until both a
 * minimum time and a minimum number of calls are reached. Memory is the peak of this process.
 */
final class TimedLoop {

    private TimedLoop() {}

    /** @param batch runs one batch of {@code batchSize} images */
    static Measurement run(int batchSize, double minSeconds, int minBatches, IntConsumer batch) {
        batch.accept(batchSize);
        ProcessMemory.resetOwnPeak();
        HostLoad.Snapshot load = HostLoad.now();
        long start = System.nanoTime();
        long calls = 0;
        double elapsed;
        do {
            batch.accept(batchSize);
            calls++;
            elapsed = (System.nanoTime() - start) / 1e9;
        } while (calls < minBatches || elapsed < minSeconds);
        return new Measurement(
                calls * batchSize,
                elapsed,
                ProcessMemory.peakBytes(ProcessMemory.ownPid()),
                HostLoad.foreignCores(load, HostLoad.now()));
    }
}
