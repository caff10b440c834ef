package io.featurex.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.config.Setting;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void runListsEveryConfigurationProblemAtOnceAndExitsTwo() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine()
                    .execute("run", "--batch-max-size", "0", "--delivery", "twice", "--metrics-port", "99999");
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("bootstrap.servers", "is required")
                .contains("batch.max-size")
                .contains("delivery", "twice")
                .contains("metrics.port");
    }

    @Test
    void printAclsPrintsTheGrantsOfThisConfigurationWithoutConnecting() {
        StringWriter out = new StringWriter();
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out));
        // An address nothing may be connected to: --print-acls must not try.
        int code = command.execute(
                "run",
                "--print-acls",
                "--bootstrap-servers",
                "kafka-1.invalid:9092",
                "--input-topic",
                "images",
                "--group-id",
                "fx",
                "--kafka",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fx\" password=\"p\";");
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("# consume the input")
                .contains("--allow-principal User:fx --operation Read --topic images")
                .contains("--operation Read --group fx")
                .doesNotContain("password");
    }

    @Test
    void replayRefusesAnUnknownErrorCodeBeforeConnecting() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine()
                    .execute("replay", "--bootstrap-servers", "127.0.0.1:1", "--code", "ACCESS_DENIED,NOT_A_CODE");
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown error code 'NOT_A_CODE'");
    }

    @Test
    void missingFilesAreListedBeforeAnythingStartsAndExitTwo() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine()
                    .execute(
                            "run",
                            "--config",
                            "/nonexistent/featurex.properties",
                            "--bootstrap-servers",
                            "127.0.0.1:1",
                            "--model-weights",
                            "/nonexistent/vgg16.params",
                            "--fetch-file-roots",
                            "/nonexistent/images");
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("invalid configuration:")
                .contains("cannot read config file /nonexistent/featurex.properties: no such file")
                .contains("model.weights", "'/nonexistent/vgg16.params': no such file")
                .contains("fetch.file-roots", "'/nonexistent/images': no such folder")
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void noCommandPrintsTheUsageAndExitsTwo() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute();
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: featurex", "run", "replay");
    }

    @Test
    void anUnknownOptionIsAUsageErrorExitingTwo() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("run", "--no-such-option");
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void everySettingIsAFlagOfRun() {
        CommandLine cli = Main.commandLine();
        CommandLine run = cli.getSubcommands().get("run");
        for (Setting s : Setting.values()) {
            assertThat(run.getCommandSpec().findOption(s.flag())).as(s.flag()).isNotNull();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        run.usage(new PrintWriter(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--bootstrap-servers", "FEATUREX_BOOTSTRAP_SERVERS");
    }
}
