package io.featurex.loadtest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerTest {

    private final LatencyRecorder latency = new LatencyRecorder();
    private final Timeline timeline = new Timeline(1_000_000L, 1000);
    private final Ledger ledger = new Ledger("run1-", latency, timeline);

    @Test
    void everyIdOnceIsComplete() {
        ledger.expect("run1-0", 1_000_000L);
        ledger.expect("run1-1", 1_000_010L);
        ledger.observe("run1-0", Ledger.Kind.FEATURE, null, "w1", 1_000_100L, 1_000_150L);
        ledger.observe("run1-1", Ledger.Kind.DEAD_LETTER, "FILE_NOT_FOUND", "w2", 1_000_030L, 1_000_040L);
        Ledger.Totals t = ledger.totals(10);
        assertThat(t.sent()).isEqualTo(2);
        assertThat(t.completed()).isEqualTo(2);
        assertThat(t.features()).isEqualTo(1);
        assertThat(t.deadLetters()).isEqualTo(1);
        assertThat(t.lost()).isZero();
        assertThat(t.duplicated()).isZero();
        assertThat(t.deadLettersByCode()).isEqualTo(Map.of("FILE_NOT_FOUND", 1L));
        assertThat(t.byWorker()).isEqualTo(Map.of("w1", 1L, "w2", 1L));
        assertThat(ledger.outstanding()).isZero();
        // Latencies: 100 and 20 ms to the output timestamp, 150 and 30 ms to being seen.
        assertThat(latency.outputStats().max()).isEqualTo(100);
        assertThat(latency.outputStats().min()).isEqualTo(20);
        assertThat(latency.seenStats().max()).isEqualTo(150);
        assertThat(latency.seenStats().min()).isEqualTo(30);
    }

    @Test
    void lostDuplicatedUnexpectedAndForeign() {
        for (int i = 0; i < 5; i++) {
            ledger.expect("run1-" + i, 1_000_000L);
        }
        ledger.observe("run1-0", Ledger.Kind.FEATURE, null, "w1", 1_000_010L, 1_000_010L);
        ledger.observe("run1-1", Ledger.Kind.FEATURE, null, "w1", 1_000_020L, 1_000_020L);
        // run1-1 again, as a dead letter this time: still a duplicate of the id.
        ledger.observe("run1-1", Ledger.Kind.DEAD_LETTER, "UNDECODABLE_IMAGE", "w2", 1_000_900L, 1_000_900L);
        ledger.observe("run1-2", Ledger.Kind.FEATURE, null, "w1", 1_000_030L, 1_000_030L);
        ledger.observe("run1-2", Ledger.Kind.FEATURE, null, "w1", 1_000_040L, 1_000_040L);
        ledger.observe("run1-2", Ledger.Kind.FEATURE, null, "w1", 1_000_050L, 1_000_050L);
        ledger.observe("run1-99", Ledger.Kind.FEATURE, null, "w1", 1_000_050L, 1_000_050L);
        ledger.observe("other-run-1", Ledger.Kind.FEATURE, null, "w1", 1_000_050L, 1_000_050L);
        Ledger.Totals t = ledger.totals(10);
        assertThat(t.completed()).isEqualTo(3);
        assertThat(t.lost()).isEqualTo(2);
        assertThat(t.lostIds()).containsExactly("run1-3", "run1-4");
        assertThat(t.duplicated()).isEqualTo(2);
        assertThat(t.duplicatedIds()).isEqualTo(Map.of("run1-1", 2, "run1-2", 3));
        assertThat(t.duplicateRecords()).isEqualTo(3);
        assertThat(t.unexpected()).isEqualTo(1);
        assertThat(t.foreign()).isEqualTo(1);
        // Duplicates do not count as dead letters or latencies: first sightings only.
        assertThat(t.deadLettersByCode()).isEmpty();
        assertThat(latency.outputStats().count()).isEqualTo(3);
        assertThat(latency.outputStats().max()).isEqualTo(30);
        assertThat(ledger.outstanding()).isEqualTo(2);
    }

    @Test
    void idsListedUpToTheLimitInIdOrder() {
        for (int i = 9; i >= 0; i--) {
            ledger.expect("run1-" + i, 1_000_000L);
        }
        Ledger.Totals t = ledger.totals(3);
        assertThat(t.lost()).isEqualTo(10);
        assertThat(t.lostIds()).isEqualTo(List.of("run1-0", "run1-1", "run1-2"));
    }

    @Test
    void aFailedSendIsForgotten() {
        ledger.expect("run1-0", 1_000_000L);
        ledger.forget("run1-0");
        assertThat(ledger.totals(10).lost()).isZero();
        assertThat(ledger.sent()).isZero();
    }

    @Test
    void timelineCountsFirstSightingsByOutputTimestamp() {
        ledger.expect("run1-0", 1_000_000L);
        ledger.expect("run1-1", 1_000_000L);
        timeline.sent(1_000_000L);
        timeline.sent(1_000_500L);
        ledger.observe("run1-0", Ledger.Kind.FEATURE, null, "w1", 1_001_200L, 1_001_300L, 4);
        ledger.observe("run1-0", Ledger.Kind.FEATURE, null, "w1", 1_002_200L, 1_002_300L, 4);
        List<Timeline.Bucket> buckets = timeline.buckets();
        assertThat(buckets)
                .containsExactly(new Timeline.Bucket(0, 2, 0, 0, 2, 0), new Timeline.Bucket(1, 0, 1, 0, 1, 1200));
        assertThat(timeline.completionTimesByPartition()).containsOnlyKeys(4);
        assertThat(timeline.completionTimesByPartition().get(4)).containsExactly(1_001_200L);
    }
}
