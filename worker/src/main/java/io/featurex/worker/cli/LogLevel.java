package io.featurex.worker.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Picks the log level before anything logs: log4j reads its configuration once, at the first
 * logger, and log4j2.xml takes the level from the {@value #PROPERTY} system property.
 */
final class LogLevel {

    static final String PROPERTY = "featurex.log.level";

    private LogLevel() {}

    /** WARN for a {@link QuietByDefault} command that is quiet as {@code args} run it; else as configured. */
    static void chooseFor(CommandLine cli, String[] args) {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        ParseResult result;
        try {
            result = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return; // the real run reports it
        }
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        if (result.commandSpec().userObject() instanceof QuietByDefault command && command.quiet()) {
            System.setProperty(PROPERTY, "WARN");
        }
    }
}
