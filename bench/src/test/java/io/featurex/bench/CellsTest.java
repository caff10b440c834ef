package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CellsTest {

    @Test
    void bestRoundAndRangePerRowAndBatch() {
        Cells cells = new Cells();
        cells.add("fp32", 8, new Measurement(24, 4.0, 100, 0.9));
        cells.add("fp32", 8, new Measurement(24, 3.0, 120, 0.0));
        cells.add("fp32", 1, Measurement.NONE);
        assertThat(cells.best("fp32", 8).imagesPerSecond()).isEqualTo(8.0);
        assertThat(cells.best("fp32", 8).peakRssBytes()).isEqualTo(120);
        assertThat(cells.range("fp32", 8)).containsExactly(6.0, 8.0);
        assertThat(cells.rounds("fp32", 8)).isEqualTo(2);
        assertThat(cells.best("fp32", 1).present()).isFalse();
        assertThat(cells.all()).hasSize(2);
    }

    @Test
    void fastestCompleteRunPerWorkerAndSet() {
        RunResult slow = run("featurex", "mixed", 100, 1000);
        RunResult fast = run("featurex", "mixed", 100, 500);
        RunResult failed = new RunResult(
                "python-batched",
                "mixed",
                100,
                new OutputTimeline(0, new long[0]),
                0,
                Double.NaN,
                RunResult.CpuSplit.UNKNOWN,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("boom"));
        RunResult other = run("python-batched", "mixed", 100, 2000);
        assertThat(EndToEndSection.fastest(List.of(slow, failed, fast, other))).containsExactly(fast, other);
    }

    @Test
    void nearestBatchSize() {
        assertThat(EndToEndRows.nearest(List.of(1, 4, 8, 16), 8)).isEqualTo(8);
        assertThat(EndToEndRows.nearest(List.of(1, 4, 16), 7)).isEqualTo(4);
        assertThat(EndToEndRows.nearest(List.of(), 8)).isEqualTo(-1);
    }

    /** {@code n} outputs one every {@code stepMillis}. */
    private static RunResult run(String label, String set, int n, long stepMillis) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = 10_000 + i * stepMillis;
        }
        return new RunResult(
                label,
                set,
                n,
                new OutputTimeline(0, t),
                0,
                0.0,
                RunResult.CpuSplit.UNKNOWN,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
