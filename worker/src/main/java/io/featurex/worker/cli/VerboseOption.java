package io.featurex.worker.cli;

import picocli.CommandLine.Option;

/** The {@code --verbose} flag of the commands a person runs and reads ({@link QuietByDefault}). */
public final class VerboseOption {

    @Option(
            names = "--verbose",
            description = "Also log what goes well (INFO, on stderr); by default only warnings and errors.")
    boolean verbose;

    public boolean verbose() {
        return verbose;
    }
}
