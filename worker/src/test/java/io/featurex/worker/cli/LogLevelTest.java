package io.featurex.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class LogLevelTest {

    @Command(name = "tool")
    static final class Tool implements Runnable {
        @Override
        public void run() {}
    }

    @Command(name = "ask")
    static final class Ask implements Runnable, QuietByDefault {
        @Mixin
        VerboseOption verbosity = new VerboseOption();

        @Override
        public boolean quiet() {
            return !verbosity.verbose();
        }

        @Override
        public void run() {}
    }

    @AfterEach
    void clear() {
        System.clearProperty(LogLevel.PROPERTY);
    }

    private static CommandLine cli() {
        return new CommandLine(new Tool()).addSubcommand(new Ask()).addSubcommand("serve", new Tool());
    }

    @Test
    void aQuietCommandLogsWarningsOnly() {
        LogLevel.chooseFor(cli(), new String[] {"ask"});
        assertThat(System.getProperty(LogLevel.PROPERTY)).isEqualTo("WARN");
    }

    @Test
    void verboseKeepsTheConfiguredLevel() {
        LogLevel.chooseFor(cli(), new String[] {"ask", "--verbose"});
        assertThat(System.getProperty(LogLevel.PROPERTY)).isNull();
    }

    @Test
    void otherCommandsAndBadArgumentsKeepTheConfiguredLevel() {
        LogLevel.chooseFor(cli(), new String[] {"serve"});
        LogLevel.chooseFor(cli(), new String[] {"ask", "--no-such-flag"});
        assertThat(System.getProperty(LogLevel.PROPERTY)).isNull();
    }
}
