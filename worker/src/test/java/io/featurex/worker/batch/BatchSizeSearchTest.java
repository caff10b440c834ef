package io.featurex.worker.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurex.worker.batch.BatchSizeSearch.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchSizeSearchTest {

    private static final long PLENTY = 3_600_000_000_000L;

    @Test
    void candidatesArePowersOfTwoUpToTheCap() {
        assertThat(new BatchSizeSearch(16).candidates()).containsExactly(1, 2, 4, 8, 16);
        assertThat(new BatchSizeSearch(12).candidates()).containsExactly(1, 2, 4, 8);
        assertThat(new BatchSizeSearch(1).candidates()).containsExactly(1);
        assertThatThrownBy(() -> new BatchSizeSearch(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startsAtOneEvenWithNoTimeLeft() {
        assertThat(new BatchSizeSearch(16).next(List.of(), 0).size()).hasValue(1);
    }

    @Test
    void growsWhileDoublingPaysMoreThanTheMinimumGain() {
        BatchSizeSearch search = new BatchSizeSearch(16);
        assertThat(search.next(List.of(new Point(1, 6.0)), PLENTY).size()).hasValue(2);
        assertThat(search.next(List.of(new Point(1, 6.0), new Point(2, 6.5)), PLENTY)
                        .size())
                .hasValue(4);
    }

    @Test
    void stopsWhenDoublingGainsAFewPercentOrLess() {
        BatchSizeSearch.Next next =
                new BatchSizeSearch(16).next(List.of(new Point(1, 6.0), new Point(2, 6.5), new Point(4, 6.6)), PLENTY);
        assertThat(next.size()).isEmpty();
        assertThat(next.stopReason()).contains("2 -> 4", "+1.5%");
    }

    @Test
    void stopsAtTheCap() {
        BatchSizeSearch.Next next = new BatchSizeSearch(2).next(List.of(new Point(1, 6.0), new Point(2, 12.0)), PLENTY);
        assertThat(next.size()).isEmpty();
        assertThat(next.stopReason()).contains("largest candidate (2)");
    }

    @Test
    void stopsWhenTheNextSizeWouldNotFitTheBudget() {
        BatchSizeSearch search = new BatchSizeSearch(16);
        // At 4 images/s, measuring 8 (1 warm-up + 3 timed batches of 8) takes 8 s.
        List<Point> measured = List.of(new Point(2, 2.0), new Point(4, 4.0));
        assertThat(search.next(measured, 8_000_000_000L).size()).hasValue(8);
        BatchSizeSearch.Next next = search.next(measured, 7_999_999_999L);
        assertThat(next.size()).isEmpty();
        assertThat(next.stopReason()).contains("measuring 8 would take ~8.0 s");
    }

    @Test
    void choosesTheFastestWhenNothingSmallerIsClose() {
        BatchSizeSearch.Choice choice = BatchSizeSearch.choose(
                List.of(new Point(1, 10), new Point(2, 18), new Point(4, 30.6), new Point(8, 31.5)));
        assertThat(choice.size()).isEqualTo(4); // 30.6 is within 3% of 31.5 (30.56), 18 is not
        assertThat(choice.reason()).contains("within 3% of the fastest (8: 31.50 images/s)");
        assertThat(BatchSizeSearch.choose(List.of(new Point(1, 10), new Point(2, 18)))
                        .size())
                .isEqualTo(2);
    }

    @Test
    void aSlowerLargerBatchIsNeverChosen() {
        BatchSizeSearch.Choice choice = BatchSizeSearch.choose(List.of(new Point(1, 7.0), new Point(2, 6.0)));
        assertThat(choice.size()).isEqualTo(1);
        assertThat(choice.reason()).isEqualTo("fastest measured");
    }

    @Test
    void thisCpusShapeEndsAtASmallBatch() {
        // Figures of the same order as BENCHMARKS.md's model-only fp32 rows on 2 Zen 4 cores.
        BatchSizeSearch search = new BatchSizeSearch(16);
        List<Point> measured = List.of(new Point(1, 6.66), new Point(2, 6.95), new Point(4, 7.10));
        assertThat(search.next(measured, PLENTY).size()).isEmpty(); // 2 -> 4 gained 2.2%
        assertThat(BatchSizeSearch.choose(measured).size()).isEqualTo(2);
    }
}
