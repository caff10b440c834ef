package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {

    @Test
    void readsAPeersSummaryLine() {
        Map<String, Object> json = FlatJson.parse(
                "{\"worker\": \"python-batched\", \"messages\": 200, \"seconds\": 31.5,"
                        + " \"images_per_s\": null, \"ok\": true, \"note\": \"a \\\"quoted\\\" \\u00e9\", \"exp\": -1.5e3}");
        assertThat(json)
                .containsEntry("worker", "python-batched")
                .containsEntry("messages", 200.0)
                .containsEntry("images_per_s", null)
                .containsEntry("ok", true)
                .containsEntry("note", "a \"quoted\" \u00e9")
                .containsEntry("exp", -1500.0);
        assertThat(FlatJson.number(json, "seconds")).isEqualTo(31.5);
        assertThat(FlatJson.number(json, "worker")).isNaN();
        assertThat(FlatJson.parse("{}")).isEmpty();
    }

    @Test
    void refusesWhatIsNotOneFlatObject() {
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": [1]}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": 1} x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlatJson.parse("{\"a\" 1}")).isInstanceOf(IllegalArgumentException.class);
    }
}
