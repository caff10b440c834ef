package io.featurex.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and folders the configuration names are checked with the other settings, each with its reason. */
class StartupFilesTest {

    @TempDir
    Path dir;

    @Test
    void aMissingWeightsFileIsAConfigurationProblem() {
        Path missing = dir.resolve("vgg16.params");
        assertThat(problems(Map.of("model.weights", missing.toString())))
                .anySatisfy(p -> assertThat(p).contains("model.weights", missing.toString(), "no such file"));
    }

    @Test
    void aFolderGivenAsWeightsFileIsAConfigurationProblem() {
        assertThat(problems(Map.of("model.weights", dir.toString())))
                .anySatisfy(p -> assertThat(p).contains("model.weights", "is a folder, not a file"));
    }

    @Test
    void aMissingFileRootIsAConfigurationProblem() {
        Path missing = dir.resolve("images");
        assertThat(problems(Map.of("fetch.file-roots", dir + "," + missing)))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("fetch.file-roots", missing.toString(), "no such folder"));
    }

    @Test
    void aMissingConfigFileSaysSo() {
        Path missing = dir.resolve("featurex.properties");
        ConfigSources sources = ConfigSources.layered(missing, Map.of(), Map.of());
        assertThat(sources.problems()).containsExactly("cannot read config file " + missing + ": no such file");
    }

    @Test
    void anUnreadableConfigFileSaysWhy() throws Exception {
        Path file = Files.writeString(dir.resolve("featurex.properties"), "group.id=x\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
        assumeFalse(Files.isReadable(file), "running as root: every file is readable");
        ConfigSources sources = ConfigSources.layered(file, Map.of(), Map.of());
        assertThat(sources.problems())
                .containsExactly("cannot read config file " + file + ": not readable (permission denied)");
    }

    @Test
    void filesAreReportedWithTheOtherProblems() {
        Path file = dir.resolve("missing.properties");
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ConfigSources.layered(
                                file, Map.of(), Map.of("model.weights", "/nonexistent/w.params", "delivery", "twice"))
                        .workerConfig());
        assertThat(e.problems())
                .hasSize(4)
                .anySatisfy(p -> assertThat(p).contains("cannot read config file", "no such file"))
                .anySatisfy(p -> assertThat(p).contains("model.weights", "no such file"))
                .anySatisfy(p -> assertThat(p).contains("bootstrap.servers", "is required"))
                .anySatisfy(p -> assertThat(p).contains("delivery", "twice"));
    }

    private static List<String> problems(Map<String, String> settings) {
        Map<String, String> raw = new HashMap<>(settings);
        raw.put("bootstrap.servers", "127.0.0.1:9092");
        return catchThrowableOfType(ConfigException.class, () -> WorkerConfig.from(raw))
                .problems();
    }
}
