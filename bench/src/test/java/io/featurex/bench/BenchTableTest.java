package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchTableTest {

    @Test
    void rendersAPaddedMarkdownTableWithAlignment() {
        BenchTable table = new BenchTable(BenchTable.Column.left("what"), BenchTable.Column.right("images/s"))
                .add("model-only fp32", "7.24")
                .add("e2e", "12.50");
        assertThat(table.render()).isEqualTo("""
                | what            | images/s |
                | --------------- | -------: |
                | model-only fp32 |     7.24 |
                | e2e             |    12.50 |
                """);
    }

    @Test
    void missingCellsAreEmptyAndPipesAreEscaped() {
        String out = new BenchTable(
                        BenchTable.Column.left("a"), BenchTable.Column.left("b"), BenchTable.Column.right("c"))
                .add("x|y")
                .add(null, "z", null)
                .render();
        assertThat(out.lines())
                .containsExactly(
                        "| a    | b   |   c |",
                        "| ---- | --- | --: |",
                        "| x\\|y |     |     |",
                        "|      | z   |     |");
    }

    @Test
    void tooManyCellsIsAnError() {
        BenchTable table = new BenchTable(BenchTable.Column.left("only"));
        assertThatThrownBy(() -> table.add("a", "b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsFiguresTheSameEverywhere() {
        assertThat(Format.rate(7.2449)).isEqualTo("7.24");
        assertThat(Format.rate(Double.NaN)).isEqualTo("-");
        assertThat(Format.ratio(1.154)).isEqualTo("1.15x");
        assertThat(Format.gib(1536L * 1024 * 1024)).isEqualTo("1.50 GiB");
        assertThat(Format.gib(-1)).isEqualTo("-");
        assertThat(Format.percent(0.987)).isEqualTo("99%");
        assertThat(Format.gflops(214.8)).isEqualTo("215");
    }
}
