package io.featurex.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded broker as a process of its own, until SIGTERM: {@code featurex broker}, and tests
 * that kill and restart a broker outside their JVM. Prints {@code READY host:port} on stdout once
 * clients can connect; parents wait for that line.
 */
public final class StandaloneBroker {

    private StandaloneBroker() {}

    /** @param args data directory, client port, controller port */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: StandaloneBroker DIR PORT CONTROLLER_PORT");
            System.exit(2);
        }
        runUntilStopped(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    }

    public static void runUntilStopped(Path dir, int port, int controllerPort) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startPersistent(dir, port, controllerPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            broker.close();
                            stopped.countDown();
                        },
                        "featurex-broker-shutdown"));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
