package io.featurex.loadtest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputGapsTest {

    @Test
    void longestGapInAWindowCountsFromTheLastOutputBeforeIt() {
        OutputGaps gaps = new OutputGaps(new long[] {100, 200, 300, 1300, 1400, 1500, 3500, 3600});
        // Event at 350: the pause 300 -> 1300 is under way; it counts whole.
        assertThat(gaps.longestGap(350, 2000)).isEqualTo(new OutputGaps.Gap(300, 1300, 1000));
        // Window up to 3600 also holds 1500 -> 3500.
        assertThat(gaps.longestGap(350, 3600)).isEqualTo(new OutputGaps.Gap(1500, 3500, 2000));
        assertThat(gaps.longestGap(100, 300).lengthMs()).isEqualTo(100);
    }

    @Test
    void aWindowWithNoOutputIsAPauseToItsEnd() {
        OutputGaps gaps = new OutputGaps(new long[] {100, 200});
        assertThat(gaps.longestGap(500, 900)).isEqualTo(new OutputGaps.Gap(200, 900, 700));
    }

    @Test
    void medianGap() {
        assertThat(new OutputGaps(new long[] {0, 10, 20, 30, 1000}).medianGapMs())
                .isEqualTo(10);
        assertThat(new OutputGaps(new long[] {5}).medianGapMs()).isZero();
    }

    @Test
    void steadyThroughputLeavesOutRampAndDrain() {
        // 100 outputs, 10 ms apart, after a slow start: 100/s between the 10th and 90th percentile.
        long[] t = new long[100];
        t[0] = 0;
        for (int i = 1; i < 100; i++) {
            t[i] = 5_000 + i * 10L;
        }
        assertThat(new OutputGaps(t).steadyThroughput()).isEqualTo(100.0);
        assertThat(new OutputGaps(new long[] {1, 2, 3}).steadyThroughput()).isNaN();
    }
}
