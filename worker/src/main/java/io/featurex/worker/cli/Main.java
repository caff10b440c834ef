package io.featurex.worker.cli;

import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** featurex: image refs from Kafka in, VGG16 feature vectors out. */
@Command(
        name = "featurex",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Streaming image feature extraction: ImageRef records from Kafka, VGG16 (DJL/PyTorch), "
                + "FeatureVector records back to Kafka.",
        subcommands = {ReplayCommand.class, ExportParamsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        LogLevel.chooseFor(commandLine(), args);
        System.exit(commandLine().execute(args));
    }

    /** The worker's commands, and those every {@link CommandSet} on the class path adds. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand("run", RunCommand.commandLine());
        for (CommandSet set : ServiceLoader.load(CommandSet.class)) {
            // Each as a CommandLine of its own: picocli applies a command's model transformer (similar's
            // flags from the settings catalogue) when its CommandLine is made, not when an object is added.
            set.commands().forEach(command -> cli.addSubcommand(new CommandLine(command)));
        }
        WordWrappedHelp.install(cli);
        return cli;
    }

    /** No command given: a usage error, like any other, so scripts and shells see it fail. */
    @Override
    public Integer call() {
        commandLine().usage(System.err);
        return CommandLine.ExitCode.USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"featurex " + (version == null ? "(development build)" : version)};
        }
    }
}
