package io.featurex.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A featurex command in a new JVM, started as this one was: same java, same class path (the
 * jar with its lib/ manifest path), same system properties and memory flags (DJL offline, cache
 * directory, FEATUREX_JAVA_OPTS), same environment (LD_PRELOAD with tcmalloc included).
 */
final class JavaCommand {

    private static final String MAIN = "io.featurex.worker.cli.Main";
    /**
     * The heap cap the launcher ({@code featurex}) and the CPU image give {@code run}; the bench's
     * workers get it too, so their memory is what users' is. JavaCommandTest keeps the three equal.
     */
    static final String RUN_HEAP = "-Xmx768m";

    private JavaCommand() {}

    static List<String> featurex(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (args.length > 0 && args[0].equals("run")) {
            command.add(RUN_HEAP); // before the copied flags: an -Xmx of the user's own comes later and wins
        }
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // debuggers and agents stay with the bench; everything else configures the JVM alike
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN);
        command.addAll(List.of(args));
        return command;
    }
}
