package io.featurex.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A child process's peak resident memory (VmHWM), read every 200 ms while it runs and once more
 * on {@link #stop()}: the kernel forgets the mark when the process exits, so it is read while it
 * can still be.
 */
final class PeakRssSampler {

    private final Process process;
    private final AtomicLong peak = new AtomicLong(-1);
    private final Thread thread;

    private PeakRssSampler(Process process) {
        this.process = process;
        this.thread = new Thread(this::sample, "featurex-bench-rss");
        thread.setDaemon(true);
    }

    static PeakRssSampler start(Process process) {
        PeakRssSampler s = new PeakRssSampler(process);
        s.thread.start();
        return s;
    }

    private void sample() {
        while (process.isAlive() && !Thread.currentThread().isInterrupted()) {
            read();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read() {
        peak.accumulateAndGet(ProcessMemory.peakBytes(process.pid()), Math::max);
    }

    /** Reads the peak a last time; call before the process is stopped. */
    long lastPeak() {
        read();
        return peak.get();
    }

    void stop() {
        thread.interrupt();
    }
}
