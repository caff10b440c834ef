package io.featurex.loadtest;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code featurex-loadtest}: run a load test, re-render a report, summarise a scaling run. */
@Command(
        name = "featurex-loadtest",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Load generator and end-to-end verifier for featurex workers.",
        subcommands = {
            RunCommand.class,
            RenderCommand.class,
            ScalingSummaryCommand.class,
            io.featurex.loadtest.cluster.ClusterCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The whole command line, with its converters: tests of a subcommand go through it too. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.registerConverter(Duration.class, Main::duration);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** "90s", "2m", "500ms", "1h", or a plain number of seconds. */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            double value = Double.parseDouble(t.replaceAll("[smh]$", ""));
            double seconds = t.endsWith("m") ? value * 60 : t.endsWith("h") ? value * 3600 : value;
            if (seconds < 0) {
                throw new CommandLine.TypeConversionException("negative duration: " + text);
            }
            return Duration.ofNanos(Math.round(seconds * 1e9));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a duration (e.g. 90s, 2m, 500ms): " + text);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"featurex-loadtest " + LoadTest.version()};
        }
    }
}
