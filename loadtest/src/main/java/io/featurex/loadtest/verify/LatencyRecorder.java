package io.featurex.loadtest.verify;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * End-to-end latencies, in milliseconds, in two HdrHistograms (3 significant digits: exact below
 * 2,048 ms, within 0.1% above):
 *
 * <ul>
 *   <li><b>output</b>: the output record's timestamp (set by the worker's producer when it sends
 *       the record inside its transaction) minus the input record's timestamp (the scheduled send
 *       time);</li>
 *   <li><b>seen</b>: when this verifier's read_committed consumer received the output (so after
 *       the transaction committed) minus the same scheduled time.</li>
 * </ul>
 *
 * Percentiles are HdrHistogram's: the smallest recorded value such that at least p% of all
 * values are at or below it (nearest rank).
 */
public final class LatencyRecorder {

    /** One hour: anything slower is clamped there and would dominate the report anyway. */
    static final long HIGHEST_MS = 3_600_000L;

    static final int SIGNIFICANT_DIGITS = 3;

    /** The percentiles of the summary. */
    public static final double[] SUMMARY_PERCENTILES = {50, 90, 99, 99.9};

    private final Histogram output = new Histogram(HIGHEST_MS, SIGNIFICANT_DIGITS);
    private final Histogram seen = new Histogram(HIGHEST_MS, SIGNIFICANT_DIGITS);
    private long clampedNegative;

    /** Records one output's two latencies, in milliseconds. */
    public synchronized void record(long outputMs, long seenMs) {
        output.recordValue(clamp(outputMs));
        seen.recordValue(clamp(seenMs));
    }

    private long clamp(long ms) {
        if (ms < 0) {
            // Output stamped before its input was due: clocks disagree (another host) or the
            // producer's timestamp was overridden. Counted, recorded as 0.
            clampedNegative++;
            return 0;
        }
        return Math.min(ms, HIGHEST_MS);
    }

    public synchronized Stats outputStats() {
        return Stats.of(output);
    }

    public synchronized Stats seenStats() {
        return Stats.of(seen);
    }

    /** Latencies that came out negative (clock skew) and were recorded as 0. */
    public synchronized long clampedNegative() {
        return clampedNegative;
    }

    /**
     * The percentile curve: for x = 0, 0.1, ... 5 (the number of nines), percentile
     * 100 (1 - 10^-x), then the maximum; points past the data's resolution are left out.
     */
    public synchronized List<CurvePoint> curve() {
        List<CurvePoint> points = new ArrayList<>();
        long n = output.getTotalCount();
        if (n == 0) {
            return points;
        }
        for (int tenths = 0; tenths <= 50; tenths++) {
            double p = 100 * (1 - Math.pow(10, -tenths / 10.0));
            // Beyond 1/n the curve is the maximum: stop there.
            if (tenths > 0 && (100 - p) / 100 * n < 1 - 1e-9) {
                break;
            }
            points.add(new CurvePoint(round(p), output.getValueAtPercentile(p), seen.getValueAtPercentile(p)));
        }
        points.add(new CurvePoint(100, output.getMaxValue(), seen.getMaxValue()));
        return points;
    }

    private static double round(double p) {
        return Math.round(p * 10_000) / 10_000.0;
    }

    /** One point of the percentile curve: latencies in ms at a percentile. */
    public record CurvePoint(double percentile, long outputMs, long seenMs) {}

    /** Summary of one histogram, in milliseconds. */
    public record Stats(long count, long min, double mean, long p50, long p90, long p99, long p999, long max) {

        static Stats of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Stats(0, 0, 0, 0, 0, 0, 0, 0);
            }
            return new Stats(
                    h.getTotalCount(),
                    h.getMinValue(),
                    Math.round(h.getMean() * 10) / 10.0,
                    h.getValueAtPercentile(50),
                    h.getValueAtPercentile(90),
                    h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9),
                    h.getMaxValue());
        }
    }
}
