package io.featurex.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BackpressureTest {

    private static final TopicPartition A = new TopicPartition("in", 0);
    private static final TopicPartition B = new TopicPartition("in", 1);
    private static final TopicPartition C = new TopicPartition("in", 2);

    private final Backpressure backpressure = new Backpressure(300);

    @Test
    void underTheBoundNothingPausesHoweverUnevenThePartitions() {
        Backpressure.Decision d = backpressure.decide(Map.of(A, 290, B, 0, C, 0), Set.of());
        assertThat(d.pause()).isEmpty();
        assertThat(d.resume()).isEmpty();
    }

    @Test
    void atTheBoundOnlyThePartitionsOverTheirSharePause() {
        Backpressure.Decision d = backpressure.decide(Map.of(A, 250, B, 40, C, 10), Set.of());
        assertThat(d.pause()).containsExactly(A);
        assertThat(d.resume()).isEmpty();
    }

    @Test
    void aRecordLargerThanTheBoundPausesItsPartitionOnly() {
        Backpressure.Decision d = backpressure.decide(Map.of(A, 2_000, B, 0), Set.of());
        assertThat(d.pause()).containsExactly(A);
    }

    @Test
    void aPausedPartitionResumesUnderHalfItsShareOrWhenTheWorkerIsWellUnderTheBound() {
        assertThat(backpressure
                        .decide(Map.of(A, 120, B, 150, C, 100), Set.of(A))
                        .resume())
                .as("still busy")
                .isEmpty();
        assertThat(backpressure.decide(Map.of(A, 40, B, 150, C, 100), Set.of(A)).resume())
                .containsExactly(A);
        assertThat(backpressure.decide(Map.of(A, 200, B, 10, C, 10), Set.of(A)).resume())
                .containsExactly(A);
    }
}
