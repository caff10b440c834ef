package io.featurex.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.cli.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's {@code --help}, as the developer kit's command line (every module's commands)
 * renders it: nothing picocli would warn about, nothing cut in two.
 */
class HelpTextTest {

    @Test
    void everyHelpRendersWithoutAPicocliWarning() throws Exception {
        // picocli's warnings ("[picocli WARN] Could not format ...", from a lone % in a
        // description) go to the System.err of the moment its tracer was made, so the help is
        // rendered in a JVM of its own, with stderr read as a user would see it.
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EveryHelp.class.getName())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        assertThat(err).isEmpty();
    }

    /** Prints every command's help: run by {@link #everyHelpRendersWithoutAPicocliWarning}. */
    static final class EveryHelp {
        public static void main(String[] args) {
            for (CommandLine cli : allCommands()) {
                cli.usage(System.out, Ansi.OFF);
            }
        }
    }

    @Test
    void helpBreaksLinesBetweenWordsOnly() {
        for (CommandLine cli : allCommands()) {
            CommandSpec spec = cli.getCommandSpec();
            Set<String> words = new HashSet<>();
            for (String line : descriptions(spec)) {
                words.addAll(List.of(line.split("\\s+")));
            }
            List<String> lines = cli.getUsageMessage(Ansi.OFF).lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String[] before = lines.get(i).trim().split(" ");
                String[] after = lines.get(i + 1).trim().split(" ");
                String joined = before[before.length - 1] + after[0];
                assertThat(words)
                        .as(
                                "%s --help, lines %d-%d:%n%s%n%s",
                                spec.qualifiedName(), i + 1, i + 2, lines.get(i), lines.get(i + 1))
                        .doesNotContain(joined);
            }
            assertThat(lines)
                    .as(spec.qualifiedName())
                    .allSatisfy(l -> assertThat(l.length())
                            .isLessThanOrEqualTo(spec.usageMessage().width()));
        }
    }

    @Test
    void theWholeCommandLineIsCovered() {
        assertThat(allCommands())
                .extracting(c -> c.getCommandSpec().name())
                .contains("run", "replay", "export-params", "demo", "broker", "send", "similar", "bench");
    }

    @Test
    void commandsOfOtherModulesKeepTheFlagsTheirTransformersAdd() {
        CommandLine similar = Main.commandLine().getSubcommands().get("similar");
        assertThat(similar.getCommandSpec().findOption("--bootstrap-servers")).isNotNull();
        assertThat(similar.getCommandSpec().findOption("--verbose")).isNotNull();
    }

    private static List<CommandLine> allCommands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine cli, List<CommandLine> into) {
        into.add(cli);
        cli.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    private static List<String> descriptions(CommandSpec spec) {
        List<String> lines = new ArrayList<>(List.of(spec.usageMessage().description()));
        for (ArgSpec arg : spec.args()) {
            lines.addAll(List.of(arg.description()));
        }
        return lines;
    }
}
