package io.featurex.bench;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The processes the bench starts (broker, workers, peers): each is stopped when its step ends,
 * and any still alive when the bench exits (Ctrl-C included) is stopped by a shutdown hook.
 */
final class Children {

    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> ALIVE.forEach(p -> stop(p, Duration.ofSeconds(5))), "featurex-bench-children"));
    }

    private Children() {}

    static Process register(Process process) {
        ALIVE.add(process);
        return process;
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    static void stop(Process process, Duration grace) {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            ALIVE.remove(process);
        }
    }
}
