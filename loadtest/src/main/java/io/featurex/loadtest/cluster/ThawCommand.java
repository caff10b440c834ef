package io.featurex.loadtest.cluster;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cluster thaw}: thaws what {@code catch-written --then leave} left frozen. */
@Command(name = "thaw", mixinStandardHelpOptions = true, description = "Thaw the cgroup of a process.")
final class ThawCommand implements Callable<Integer> {

    @Option(names = "--pid", required = true, description = "The host pid of a process in the cgroup.")
    long pid;

    @Override
    public Integer call() throws Exception {
        Freezer freezer = Freezer.of(pid);
        freezer.thaw();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (freezer.frozen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return freezer.frozen() ? 1 : 0;
    }
}
