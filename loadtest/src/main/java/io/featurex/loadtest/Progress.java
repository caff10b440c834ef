package io.featurex.loadtest;

import io.featurex.loadtest.load.RunClock;
import io.featurex.loadtest.load.Sender;
import io.featurex.loadtest.verify.LatencyRecorder;
import io.featurex.loadtest.verify.Ledger;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line, once per interval: sent (of how many), rates over the last interval,
 * completed, lag, dead letters, duplicates and the latency so far. On a terminal it rewrites
 * one line; otherwise (a log, CI) it prints one line per interval.
 */
final class Progress {

    private final PrintStream out;
    private final RunClock clock;
    private final Sender sender;
    private final Ledger ledger;
    private final LatencyRecorder latency;
    private final long total;
    private final long intervalNanos;
    private final boolean terminal = System.console() != null;
    private long lastPrintNanos;
    private long lastSent;
    private long lastCompleted;

    Progress(
            PrintStream out,
            RunClock clock,
            Sender sender,
            Ledger ledger,
            LatencyRecorder latency,
            LoadTestConfig config) {
        this.out = out;
        this.clock = clock;
        this.sender = sender;
        this.ledger = ledger;
        this.latency = latency;
        long fromDuration = config.duration() == null || !config.schedule().isOpenLoop()
                ? -1
                : config.schedule().sendsWithin(config.duration().toNanos() / 1e9);
        this.total = config.count() >= 0 && fromDuration >= 0
                ? Math.min(config.count(), fromDuration)
                : Math.max(config.count(), fromDuration);
        this.intervalNanos = config.progressEvery().isZero()
                ? Long.MAX_VALUE
                : config.progressEvery().toNanos();
        this.lastPrintNanos = clock.startNanos();
    }

    long intervalMillis() {
        return intervalNanos == Long.MAX_VALUE ? 200 : Math.min(200, Math.max(1, intervalNanos / 1_000_000));
    }

    void maybePrint(boolean last) {
        long now = System.nanoTime();
        if (out == null || (!last && (intervalNanos == Long.MAX_VALUE || now - lastPrintNanos < intervalNanos))) {
            return;
        }
        double dt = Math.max(1e-3, (now - lastPrintNanos) / 1e9);
        long sent = sender.sent();
        long completed = ledger.completed();
        LatencyRecorder.Stats stats = latency.outputStats();
        String line = String.format(
                Locale.ROOT,
                "[%5.0fs] sent %d%s (%.0f/s)  completed %d (%.0f/s)  lag %d  dead letters %d  duplicates %d  p50 %d ms  p99 %d ms  max %d ms",
                (now - clock.startNanos()) / 1e9,
                sent,
                total >= 0 ? "/" + total : "",
                (sent - lastSent) / dt,
                completed,
                (completed - lastCompleted) / dt,
                Math.max(0, sent - completed),
                ledger.deadLetters(),
                ledger.duplicateRecords(),
                stats.p50(),
                stats.p99(),
                stats.max());
        if (terminal) {
            out.print("\r" + line + "\u001b[K" + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
        lastPrintNanos = now;
        lastSent = sent;
        lastCompleted = completed;
    }
}
