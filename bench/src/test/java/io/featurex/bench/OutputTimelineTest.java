package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OutputTimelineTest {

    @Test
    void steadyRateLeavesOutTheFirstBatch() {
        // batches of 4 every second, records of a batch a few ms apart; first produce 3 s before
        long[] t = {
            10_000, 10_002, 10_003, 10_005,
            11_000, 11_001, 11_002, 11_004,
            12_000, 12_001, 12_003, 12_004,
        };
        OutputTimeline timeline = new OutputTimeline(7_000, t);
        assertThat(timeline.count()).isEqualTo(12);
        assertThat(timeline.steadyRate()).isCloseTo(8 / 2.004, within(1e-9));
        assertThat(timeline.fromProduceRate()).isCloseTo(12 / 5.004, within(1e-9));
        assertThat(timeline.steadySeconds()).isCloseTo(2.004, within(1e-9));
        assertThat(timeline.fromProduceSeconds()).isCloseTo(5.004, within(1e-9));
    }

    @Test
    void oneImagePerBatchCountsAllButTheFirst() {
        OutputTimeline timeline = new OutputTimeline(0, new long[] {3_000, 1_000, 2_000});
        assertThat(timeline.steadyRate()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aSingleBatchHasNoSteadyRate() {
        assertThat(new OutputTimeline(0, new long[] {1_000, 1_001}).steadyRate())
                .isNaN();
        assertThat(new OutputTimeline(0, new long[0]).fromProduceRate()).isNaN();
    }
}
