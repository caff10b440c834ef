package io.featurex.devkit;

import io.featurex.embedded.StandaloneBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A single-node Kafka broker as its own process, from Kafka's own jars: for trying featurex
 * without a Kafka installation, and for tests and benchmarks that need the broker outside the
 * JVM under test (killed, restarted, measured apart).
 */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Run a single-node KRaft Kafka broker on 127.0.0.1 until stopped (SIGTERM). "
                + "Its data directory is reused across restarts.")
final class BrokerCommand implements Callable<Integer> {

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            required = true,
            description = "Data directory (formatted on first use).")
    Path dir;

    @Option(names = "--port", paramLabel = "PORT", description = "Client port. Default: ${DEFAULT-VALUE}.")
    int port = 9092;

    @Option(
            names = "--controller-port",
            paramLabel = "PORT",
            description = "KRaft controller port. Default: ${DEFAULT-VALUE}.")
    int controllerPort = 9093;

    @Override
    public Integer call() throws Exception {
        StandaloneBroker.runUntilStopped(dir, port, controllerPort);
        return 0;
    }
}
