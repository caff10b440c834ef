package io.featurex.worker.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BatchPolicyTest {

    private static final long MS = 1_000_000L;

    @Test
    void busyModelWaitsWhateverIsReady() {
        BatchPolicy policy = new BatchPolicy(8, 0);
        BatchPolicy.Decision d = policy.decide(100, 10_000 * MS, false);
        assertThat(d.send()).isFalse();
        assertThat(d.waitNanos()).isEqualTo(BatchPolicy.Decision.FOREVER);
    }

    @Test
    void nothingReadyWaitsForInput() {
        BatchPolicy.Decision d = new BatchPolicy(8, 5 * MS).decide(0, 0, true);
        assertThat(d.send()).isFalse();
        assertThat(d.waitNanos()).isEqualTo(BatchPolicy.Decision.FOREVER);
    }

    @Test
    void withoutDelayAnIdleModelTakesWhatIsReadyAtOnce() {
        BatchPolicy.Decision d = new BatchPolicy(8, 0).decide(3, 0, true);
        assertThat(d.images()).isEqualTo(3);
    }

    @Test
    void fullBatchGoesAtOnceEvenBeforeTheDelay() {
        BatchPolicy.Decision d = new BatchPolicy(8, 50 * MS).decide(8, 1 * MS, true);
        assertThat(d.images()).isEqualTo(8);
        assertThat(d.waitNanos()).isZero();
    }

    @Test
    void partialBatchWaitsOnlyTheRestOfTheDelay() {
        BatchPolicy.Decision d = new BatchPolicy(8, 50 * MS).decide(3, 20 * MS, true);
        assertThat(d.send()).isFalse();
        assertThat(d.waitNanos()).isEqualTo(30 * MS);
    }

    @Test
    void partialBatchGoesOnceTheOldestHasWaitedTheDelay() {
        BatchPolicy policy = new BatchPolicy(8, 50 * MS);
        assertThat(policy.decide(3, 50 * MS, true).images()).isEqualTo(3);
        assertThat(policy.decide(3, 80 * MS, true).images()).isEqualTo(3);
    }

    @Test
    void neverSendsMoreThanTheMaximum() {
        assertThat(new BatchPolicy(4, 0).decide(9, 0, true).images()).isEqualTo(4);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new BatchPolicy(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchPolicy(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
