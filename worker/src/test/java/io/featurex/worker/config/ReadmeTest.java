package io.featurex.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration reference stays complete as settings are added. */
class ReadmeTest {

    @Test
    void everySettingIsDocumentedWithItsFlagAndVariable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting s : Setting.values()) {
            assertThat(readme).as(s.key()).contains("| `" + s.key() + "` | `" + s.flag() + "` | `" + s.envName() + "` |");
        }
    }
}
