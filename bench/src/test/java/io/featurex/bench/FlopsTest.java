package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FlopsTest {

    @Test
    void vgg16NotopAt224IsTheWellKnownCount() {
        assertThat(Flops.vgg16MultiplyAdds(1, 224)).isEqualTo(15_346_630_656L);
        assertThat(Flops.vgg16Gflop(1, 224)).isCloseTo(30.69, within(0.01));
    }

    @Test
    void widthDivisorShrinksEveryLayerButTheInput() {
        // first conv keeps its 3 input channels: 224*224*3*(64/8)*9; every other layer shrinks by 8*8
        long first = 224L * 224 * 3 * 64 * 9;
        long rest = 15_346_630_656L - first;
        assertThat(Flops.vgg16MultiplyAdds(8, 224)).isEqualTo(first / 8 + rest / 64);
    }

    @Test
    void matmulAndAchievedRates() {
        assertThat(Flops.matmulGflop(2048)).isCloseTo(17.18, within(0.01));
        assertThat(Flops.achieved(7.0, 30.69)).isCloseTo(214.83, within(1e-9));
    }

    @Test
    void refusesSizesTheNetworkCannotTake() {
        assertThatThrownBy(() -> Flops.vgg16MultiplyAdds(0, 224)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flops.vgg16MultiplyAdds(1, 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
