package io.featurex.loadtest.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateScheduleTest {

    @Test
    void integralRateIsExact() {
        RateSchedule s = RateSchedule.fixed(100);
        assertThat(s.offsetNanos(0)).isZero();
        assertThat(s.offsetNanos(1)).isEqualTo(10_000_000L);
        assertThat(s.offsetNanos(100)).isEqualTo(1_000_000_000L);
        assertThat(s.offsetNanos(360_000)).isEqualTo(3_600_000_000_000L);
    }

    @Test
    void offsetsComeFromTheIndexAloneSoRoundingNeverDrifts() {
        RateSchedule s = RateSchedule.fixed(3);
        assertThat(s.offsetNanos(1)).isEqualTo(333_333_333L);
        assertThat(s.offsetNanos(2)).isEqualTo(666_666_666L);
        assertThat(s.offsetNanos(3)).isEqualTo(1_000_000_000L);
        assertThat(s.offsetNanos(3_000_000)).isEqualTo(1_000_000_000_000_000L);
    }

    @Test
    void fractionalRate() {
        RateSchedule s = RateSchedule.fixed(2.5);
        assertThat(s.offsetNanos(1)).isEqualTo(400_000_000L);
        assertThat(s.offsetNanos(5)).isEqualTo(2_000_000_000L);
    }

    @Test
    void sendsWithinADuration() {
        assertThat(RateSchedule.fixed(50).sendsWithin(10)).isEqualTo(500);
        assertThat(RateSchedule.fixed(3).sendsWithin(1)).isEqualTo(3);
        assertThat(RateSchedule.fixed(3).sendsWithin(1.1)).isEqualTo(4);
    }

    @Test
    void asFastAsPossibleHasNoSchedule() {
        RateSchedule s = RateSchedule.asFastAsPossible();
        assertThat(s.isOpenLoop()).isFalse();
        assertThat(s.offsetNanos(1_000)).isZero();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> RateSchedule.fixed(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateSchedule.fixed(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateSchedule.fixed(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateSchedule.fixed(10).offsetNanos(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
