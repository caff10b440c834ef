package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimilarServerTest {

    @Test
    void parsesQueryParameters() {
        assertThat(SimilarServer.query("id=cat%2Fa+b.jpg&k=5&metric=euclidean"))
                .containsEntry("id", "cat/a b.jpg")
                .containsEntry("k", "5")
                .containsEntry("metric", "euclidean");
        assertThat(SimilarServer.query(null)).isEmpty();
    }

    @Test
    void kDefaultsTo10AndIsBounded() {
        assertThat(SimilarServer.k(null)).isEqualTo(10);
        assertThat(SimilarServer.k("3")).isEqualTo(3);
        assertThatThrownBy(() -> SimilarServer.k("0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimilarServer.k("ten")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Metric.parse("manhattan")).hasMessageContaining("cosine or euclidean");
    }

    @Test
    void writesValidJsonStringsAndNumbers() {
        assertThat(Json.error("a\"b\\c\n\u0001")).isEqualTo("{\"error\":\"a\\\"b\\\\c\\n\\u0001\"}");
        assertThat(Json.number(1.0)).isEqualTo("1");
        assertThat(Json.number(0.9987654f)).isEqualTo("0.9987654");
        assertThat(Json.number(1e-9)).isEqualTo("1e-09");
        assertThat(Json.number(Double.NaN)).isEqualTo("null");
        SimilarityIndex index = SimilarityIndex.firstModelWins();
        assertThat(Json.neighbours(
                        Json.idQuery("x"),
                        Metric.COSINE,
                        3,
                        List.of(new Neighbour("y", "file:///y", 0.5f)),
                        index.stats()))
                .isEqualTo(
                        "{\"query\":{\"id\":\"x\"},\"metric\":\"cosine\",\"score\":\"similarity\",\"k\":3,\"vectors\":0,"
                                + "\"model\":null,\"results\":[{\"rank\":1,\"id\":\"y\",\"source_uri\":\"file:///y\",\"score\":0.5}]}");
    }
}
