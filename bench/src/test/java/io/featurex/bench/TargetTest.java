package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void atLeastIsMetAtTheBound() {
        Target t = Target.atLeast(0.95);
        assertThat(t.verdict(0.95)).isEqualTo("met");
        assertThat(t.verdict(0.9499)).isEqualTo("NOT met");
        assertThat(t.verdict(Double.NaN)).isEqualTo("n/a");
        assertThat(t).hasToString(">= 0.95x");
    }

    @Test
    void belowIsNotMetAtTheBound() {
        Target t = Target.belowGiB(1.5);
        assertThat(t.verdict(1.49)).isEqualTo("met");
        assertThat(t.verdict(1.5)).isEqualTo("NOT met");
        assertThat(t).hasToString("< 1.50 GiB");
    }
}
