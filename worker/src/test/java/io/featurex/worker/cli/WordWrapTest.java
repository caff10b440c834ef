package io.featurex.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordWrapTest {

    @Test
    void breaksAtTheLastSpaceThatFits() {
        assertThat(WordWrap.breaks("at most pipeline.max-in-flight here", 20, 20))
                .containsExactly(7, 30);
    }

    @Test
    void laterLinesMayBeNarrower() {
        assertThat(WordWrap.breaks("aaaa bbbb cccc dddd", 9, 4)).containsExactly(9, 14);
    }

    @Test
    void aWordWiderThanTheLineStaysWhole() {
        assertThat(WordWrap.breaks("file:///tmp/featurex/images/cat.jpg next", 10, 10))
                .containsExactly(35);
    }

    @Test
    void aShortLineIsNotBroken() {
        assertThat(WordWrap.breaks("DJL .params", 80, 78)).isEmpty();
    }
}
