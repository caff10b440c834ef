package io.featurex.loadtest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    /** Nearest rank, written independently of HdrHistogram: the smallest value with >= p% at or below it. */
    static long nearestRank(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    @Test
    void oneToHundred() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 100; i >= 1; i--) {
            r.record(i, i + 5);
        }
        LatencyRecorder.Stats out = r.outputStats();
        assertThat(out.count()).isEqualTo(100);
        assertThat(out.min()).isEqualTo(1);
        assertThat(out.p50()).isEqualTo(50);
        assertThat(out.p90()).isEqualTo(90);
        assertThat(out.p99()).isEqualTo(99);
        assertThat(out.p999()).isEqualTo(100);
        assertThat(out.max()).isEqualTo(100);
        assertThat(out.mean()).isEqualTo(50.5);
        LatencyRecorder.Stats seen = r.seenStats();
        assertThat(seen.p50()).isEqualTo(55);
        assertThat(seen.max()).isEqualTo(105);
    }

    @Test
    void matchesNearestRankBelowTwoSeconds() {
        Random random = new Random(7);
        long[] values = new long[997];
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(2048);
            r.record(values[i], 0);
        }
        LatencyRecorder.Stats s = r.outputStats();
        assertThat(s.p50()).isEqualTo(nearestRank(values, 50));
        assertThat(s.p90()).isEqualTo(nearestRank(values, 90));
        assertThat(s.p99()).isEqualTo(nearestRank(values, 99));
        assertThat(s.p999()).isEqualTo(nearestRank(values, 99.9));
        assertThat(s.max()).isEqualTo(Arrays.stream(values).max().orElseThrow());
    }

    @Test
    void aboveTwoSecondsWithinThreeSignificantDigits() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(123_456, 0);
        assertThat(r.outputStats().max()).isBetween(123_456L, 123_456L + 124);
    }

    @Test
    void negativeLatenciesAreCountedAndRecordedAsZero() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(-3, 10);
        r.record(4, -1);
        assertThat(r.clampedNegative()).isEqualTo(2);
        assertThat(r.outputStats().min()).isZero();
        assertThat(r.seenStats().min()).isZero();
    }

    @Test
    void percentileCurveRisesToTheMaximum() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 1; i <= 1000; i++) {
            r.record(i, i);
        }
        List<LatencyRecorder.CurvePoint> curve = r.curve();
        assertThat(curve.get(0).percentile()).isZero();
        assertThat(curve.get(0).outputMs()).isEqualTo(1);
        assertThat(curve.get(curve.size() - 1)).isEqualTo(new LatencyRecorder.CurvePoint(100, 1000, 1000));
        assertThat(curve).extracting(LatencyRecorder.CurvePoint::percentile).isSorted();
        assertThat(curve).extracting(LatencyRecorder.CurvePoint::outputMs).isSorted();
        // 1000 values: resolved to 99.9 (three nines), then the max.
        assertThat(curve.get(curve.size() - 2).percentile()).isEqualTo(99.9);
        assertThat(curve).anySatisfy(p -> {
            assertThat(p.percentile()).isEqualTo(99.0);
            assertThat(p.outputMs()).isEqualTo(990);
        });
    }

    @Test
    void emptyIsAllZeros() {
        LatencyRecorder r = new LatencyRecorder();
        assertThat(r.outputStats()).isEqualTo(new LatencyRecorder.Stats(0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(r.curve()).isEmpty();
    }
}
