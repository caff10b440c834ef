package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void aRatioThatWouldRoundOntoItsTargetGetsAThirdDecimal() {
        Target target = Target.atLeast(1.15);
        assertThat(Format.ratio(1.1476, target)).isEqualTo("1.148x");
        assertThat(Format.ratio(1.1524, target)).isEqualTo("1.152x");
        assertThat(Format.ratio(1.15, target)).isEqualTo("1.15x");
        assertThat(Format.ratio(1.22, target)).isEqualTo("1.22x");
        assertThat(Format.ratio(0.93, null)).isEqualTo("0.93x");
        assertThat(Format.ratio(Double.NaN, target)).isEqualTo("-");
    }
}
