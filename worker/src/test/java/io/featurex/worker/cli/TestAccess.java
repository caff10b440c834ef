package io.featurex.worker.cli;

/** Runs the command line from tests in other packages, as a user would. */
public final class TestAccess {

    private TestAccess() {}

    public static int execute(String... args) {
        return Main.commandLine().execute(args);
    }
}
