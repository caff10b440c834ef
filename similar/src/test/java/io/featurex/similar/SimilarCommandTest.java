package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.worker.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimilarCommandTest {

    /** A typo in the file used to hide the bad flag value until the typo was fixed: one run now shows both. */
    @Test
    void aSourceProblemAndAValueProblemAreReportedTogether(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("featurex.properties");
        Files.writeString(file, "bootstrap.servers=b:9092\nmodel.sed=7\n");
        SimilarCommand command = new SimilarCommand();
        new CommandLine(command).parseArgs("--config", file.toString(), "--model-width-divisor", "3");
        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> command.configure(Map.of("FEATUREX_MODEL_DEVIC", "cpu")));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage())
                .contains("unknown key 'model.sed' in " + file, "did you mean model.seed?")
                .contains("unknown environment variable FEATUREX_MODEL_DEVIC", "did you mean FEATUREX_MODEL_DEVICE?")
                .contains("model.width-divisor", "must divide 64");
    }

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("featurex.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\noutput.topic=from-file\nmodel.seed=1\n");
        SimilarCommand command = new SimilarCommand();
        new CommandLine(command)
                .parseArgs("--config", file.toString(), "--feature-topic", "from-flag", "--kafka", "client.id=q");
        var config = command.configure(Map.of("FEATUREX_OUTPUT_TOPIC", "from-env", "FEATUREX_MODEL_SEED", "2"));
        assertThat(config.bootstrapServers()).isEqualTo("file:9092");
        assertThat(config.outputTopic()).isEqualTo("from-flag");
        assertThat(config.model().seed()).isEqualTo(2);
        assertThat(config.kafka()).containsEntry("client.id", "q");
    }

    @Test
    void theTokensVariableIsNoWorkerSettingToCallATypo() {
        SimilarCommand command = new SimilarCommand();
        new CommandLine(command).parseArgs("--bootstrap-servers", "b:9092");
        assertThat(command.configure(Map.of(BearerToken.ENV, "t0ken")).bootstrapServers())
                .isEqualTo("b:9092");
    }

    @Test
    void aMalformedBindAddressStopsItBeforeKafkaIsAsked() {
        assertThat(new CommandLine(new SimilarCommand())
                        .execute("--bootstrap-servers", "127.0.0.1:1", "--bind-address", "not_a_host"))
                .isEqualTo(2);
    }
}
