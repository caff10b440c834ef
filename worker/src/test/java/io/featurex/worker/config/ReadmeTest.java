package io.featurex.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration reference stays complete and current as settings change. */
class ReadmeTest {

    @Test
    void everySettingIsDocumentedAsInTheCatalogue() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> missing = new ArrayList<>();
        for (Setting s : Setting.values()) {
            String row = row(s);
            if (!readme.contains(row)) {
                missing.add(row);
            }
        }
        assertThat(missing).as("README rows missing or out of date: run tools/readme-config-table.py").isEmpty();
    }

    @Test
    void everyMetricIsInTheOperationsTable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (io.featurex.worker.metrics.Metric m : io.featurex.worker.metrics.Metric.values()) {
            assertThat(readme).as(m.exposedName()).contains("| `" + m.exposedName() + "` | " + m.type().name().toLowerCase(java.util.Locale.ROOT) + " |");
        }
    }

    static String row(Setting s) {
        String fallback = s.defaultValue() == null ? "(required)" : s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue();
        return "| `" + s.key() + "` | `" + s.flag() + "` | `" + s.envName() + "` | `" + fallback + "` | " + s.description() + " |";
    }
}
