package io.featurex.loadtest.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster catch-written}: freezes a worker at a moment when its transaction has records in
 * the log and is not committed, and then kills it, holds it frozen, or leaves it frozen.
 *
 * <p>The check is made while the worker is frozen, so the answer cannot go stale before the fault
 * lands; a try that finds nothing thaws it at once and, a few milliseconds later, tries the next
 * worker. A worker's window between its records and its commit is tens of milliseconds, so a
 * fault at a random moment, or a {@code docker pause} after an outside check, mostly misses it.
 * A request the worker had already handed to the kernel (its commit) could still reach the broker
 * after the freeze: the finding must hold unchanged for {@code --settle} before it counts.
 */
@Command(
        name = "catch-written",
        mixinStandardHelpOptions = true,
        description =
                "Freeze a worker whose transaction has records written and not committed, then kill it, "
                        + "hold it frozen and thaw it, or leave it frozen (see cluster thaw). Exit 1 if none was caught in time.")
final class CatchWrittenCommand implements Callable<Integer> {

    enum Then {
        kill,
        hold,
        leave
    }

    @Mixin
    ClusterOptions cluster;

    @Option(
            names = "--worker",
            required = true,
            paramLabel = "TRANSACTIONAL_ID=PID",
            description = "A worker's transactional id and the host pid of a process in its container (repeatable).")
    Map<String, Long> workers;

    @Option(names = "--topic", required = true, description = "The topic whose records must be written.")
    String topic;

    @Option(
            names = "--then",
            defaultValue = "kill",
            description = "kill (SIGKILL), hold, or leave. Default: ${DEFAULT-VALUE}.")
    Then then;

    @Option(
            names = "--hold",
            defaultValue = "15s",
            description = "How long --then hold keeps it frozen. Default: ${DEFAULT-VALUE}.")
    Duration hold;

    @Option(
            names = "--settle",
            defaultValue = "300ms",
            description = "How long a finding must hold. Default: ${DEFAULT-VALUE}.")
    Duration settle;

    @Option(names = "--timeout", defaultValue = "120s", description = "Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        List<String> ids = new ArrayList<>(workers.keySet());
        long deadline = System.nanoTime() + timeout.toNanos();
        int tries = 0;
        try (Admin admin = cluster.admin()) {
            while (System.nanoTime() < deadline) {
                String id = ids.get(tries++ % ids.size());
                long pid = workers.get(id);
                Freezer freezer = Freezer.of(pid);
                if (!freezer.freeze(Duration.ofSeconds(2))) {
                    System.err.println(id + " did not freeze within 2 s (thawed again); trying the next");
                    continue;
                }
                boolean thawNow = true;
                try {
                    Optional<WrittenTransaction> caught = held(admin, id);
                    if (caught.isPresent()) {
                        System.out.println(caught.get() + "; frozen after " + tries + " tries");
                        thawNow = act(freezer, pid);
                        return 0;
                    }
                } finally {
                    if (thawNow) {
                        freezer.thaw();
                    }
                }
                // Let it run a moment: frozen most of the time, it would never reach its next transaction.
                Thread.sleep(10);
            }
        }
        System.err.println("no transaction with records written caught among " + ids + " in " + tries + " tries within "
                + timeout);
        return 1;
    }

    /** The same written transaction before and after {@code --settle}, or nothing. */
    private Optional<WrittenTransaction> held(Admin admin, String id) throws InterruptedException {
        Optional<WrittenTransaction> first = WrittenTransaction.find(admin, id, topic);
        if (first.isEmpty()) {
            return first;
        }
        Thread.sleep(settle.toMillis());
        Optional<WrittenTransaction> second = WrittenTransaction.find(admin, id, topic);
        return second.equals(first) ? second : Optional.empty();
    }

    /** @return whether the caller is to thaw the worker */
    private boolean act(Freezer freezer, long pid) throws Exception {
        switch (then) {
            case kill -> {
                ProcessHandle process =
                        ProcessHandle.of(pid).orElseThrow(() -> new IOException("pid " + pid + " is gone"));
                // The signal is queued while frozen and taken on the way out of the freezer,
                // before the worker runs another instruction of its own.
                if (!process.destroyForcibly()) {
                    throw new IOException("SIGKILL of pid " + pid + " was refused (run as root, on the host)");
                }
                freezer.thaw();
                process.onExit().get(30, TimeUnit.SECONDS);
                System.err.println("killed pid " + pid + " (SIGKILL, while frozen)");
                return false;
            }
            case hold -> {
                Thread.sleep(hold.toMillis());
                System.err.println("thawed after " + hold);
                return true;
            }
            default -> {
                System.err.println("left frozen: " + freezer.directory());
                return false;
            }
        }
    }
}
