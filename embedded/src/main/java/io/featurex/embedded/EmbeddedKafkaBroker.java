package io.featurex.embedded;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) running inside this JVM.
 *
 * <p>It exists so that {@code demo} and the integration tests need neither Docker nor a Kafka
 * installation. It is tuned for one node and small data, not for throughput or durability.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = LoopbackPorts.HOST;
    /** Free ports are picked, released, then bound by the broker: another process may win the race. */
    private static final int START_ATTEMPTS = 3;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String LOG_DIR_NAME = "kraft-logs";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean ownsDataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    /** Starts a broker on a fresh temporary directory, which {@link #close()} deletes. */
    public static EmbeddedKafkaBroker start() throws IOException {
        return startTemporary(PLAIN);
    }

    static EmbeddedKafkaBroker startTemporary(Layout layout) throws IOException {
        Path dir = Files.createTempDirectory("featurex-kafka-");
        try {
            return launch(dir, true, layout);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    /**
     * Starts a broker that keeps its data under {@code dataDir}, which is left in place on close.
     * The directory must be empty or absent: every start formats a new single-node cluster, on
     * new ports, and KRaft records the controller's address inside the formatted log.
     */
    public static EmbeddedKafkaBroker start(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        try (Stream<Path> entries = Files.list(dataDir)) {
            if (entries.findAny().isPresent()) {
                throw new IOException("Embedded Kafka data directory is not empty: " + dataDir);
            }
        }
        return launch(dataDir, false);
    }

    /**
     * Starts a broker on fixed ports over a data directory that outlives it: formatted on first
     * use, reused on every later start, so a stopped or killed broker comes back with its topics,
     * offsets and transactions. For tests that restart the broker, and the {@code broker} command.
     */
    public static EmbeddedKafkaBroker startPersistent(Path dataDir, int port, int controllerPort) throws IOException {
        Files.createDirectories(dataDir);
        Path logDir = dataDir.resolve(LOG_DIR_NAME);
        Properties props = KraftConfig.serverProperties(port, controllerPort, logDir);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            KraftConfig.format(props, dataDir.resolve("server.properties"));
        }
        long started = System.nanoTime();
        KafkaRaftServer server = startServer(props, new int[] {port, controllerPort});
        String bootstrap = HOST + ":" + port;
        try {
            awaitAnswering(bootstrap);
        } catch (IOException | RuntimeException e) {
            stopQuietly(server);
            throw e;
        }
        log.info("Kafka broker on {} (data {}) started in {} ms", bootstrap, dataDir, elapsedMillis(started));
        return new EmbeddedKafkaBroker(server, bootstrap, dataDir, false);
    }

    /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker and waits for it; idempotent and safe to call from a shutdown hook. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        stopQuietly(server);
        if (ownsDataDir) {
            deleteQuietly(dataDir);
        }
        log.debug("Embedded Kafka broker {} stopped in {} ms", bootstrapServers, elapsedMillis(started));
    }

    private static EmbeddedKafkaBroker launch(Path dataDir, boolean ownsDataDir) throws IOException {
        return launch(dataDir, ownsDataDir, PLAIN);
    }

    /**
     * Which ports a broker binds, its properties over them, and which listener answers the
     * start-up check (a PLAINTEXT one, so no credentials are needed to see it is up) and which
     * one clients are given.
     */
    interface Layout {
        int ports();

        Properties properties(int[] ports, Path logDir);

        int checkPort(int[] ports);

        int clientPort(int[] ports);
    }

    private static final Layout PLAIN = new Layout() {
        @Override
        public int ports() {
            return 2;
        }

        @Override
        public Properties properties(int[] ports, Path logDir) {
            return KraftConfig.serverProperties(ports[0], ports[1], logDir);
        }

        @Override
        public int checkPort(int[] ports) {
            return ports[0];
        }

        @Override
        public int clientPort(int[] ports) {
            return ports[0];
        }
    };

    static EmbeddedKafkaBroker launch(Path dataDir, boolean ownsDataDir, Layout layout) throws IOException {
        long started = System.nanoTime();
        Path logDir = dataDir.resolve(LOG_DIR_NAME);
        PortClashException lastClash = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int[] ports = LoopbackPorts.free(layout.ports());
            Properties props = layout.properties(ports, logDir);
            KraftConfig.format(props, dataDir.resolve("server.properties"));
            KafkaRaftServer server;
            try {
                server = startServer(props, ports);
            } catch (PortClashException e) {
                // The formatted log names the controller port that just clashed: start over.
                log.debug("Port clash on attempt {} (ports {}), retrying", attempt, Arrays.toString(ports));
                lastClash = e;
                deleteQuietly(logDir);
                continue;
            }
            try {
                awaitAnswering(HOST + ":" + layout.checkPort(ports));
            } catch (IOException | RuntimeException e) {
                stopQuietly(server);
                throw e;
            }
            String bootstrap = HOST + ":" + layout.clientPort(ports);
            log.info("Embedded Kafka broker on {} started in {} ms", bootstrap, elapsedMillis(started));
            return new EmbeddedKafkaBroker(server, bootstrap, dataDir, ownsDataDir);
        }
        throw new IOException(
                "Embedded Kafka broker could not bind free ports in " + START_ATTEMPTS + " attempts", lastClash);
    }

    /**
     * Starts the server, or stops what it started and throws. A controller that cannot bind its
     * port reports a fatal fault, which Kafka handles by halting the JVM; for the length of the
     * startup that is turned into an exception, so that a lost port race can be retried.
     */
    private static KafkaRaftServer startServer(Properties props, int[] ports) throws IOException {
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        // The exit procedures are JVM-wide: brokers of one JVM start one at a time.
        synchronized (EmbeddedKafkaBroker.class) {
            Exit.setHaltProcedure(EmbeddedKafkaBroker::refuseToTerminate);
            Exit.setExitProcedure(EmbeddedKafkaBroker::refuseToTerminate);
            try {
                server.startup();
                return server;
            } catch (RuntimeException e) {
                stopQuietly(server);
                // The controller's fault reaches us without its cause, hence the second check.
                if (LoopbackPorts.isClash(e) || LoopbackPorts.anyTaken(ports)) {
                    throw new PortClashException(e);
                }
                throw new IOException("Embedded Kafka broker failed to start", e);
            } finally {
                Exit.resetHaltProcedure();
                Exit.resetExitProcedure();
            }
        }
    }

    private static void refuseToTerminate(int status, String message) {
        throw new IllegalStateException("Kafka asked to terminate the JVM (status " + status
                + ") while the embedded broker was starting" + (message == null ? "" : ": " + message));
    }

    /** {@code startup()} returns once the broker is unfenced, but clients are what matters, so ask like one. */
    private static void awaitAnswering(String bootstrap) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        Exception last = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                            .nodes()
                            .get(10, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted =
                    new InterruptedIOException("Interrupted waiting for embedded Kafka broker");
            interrupted.initCause(e);
            throw interrupted;
        }
        throw new IOException(
                "Embedded Kafka broker on " + bootstrap + " did not answer within " + READY_TIMEOUT, last);
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Embedded Kafka broker did not shut down cleanly", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("Could not delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** Another process bound one of the chosen ports before the broker did. */
    private static final class PortClashException extends IOException {
        PortClashException(Throwable cause) {
            super("A port chosen for the embedded Kafka broker was taken before it could bind", cause);
        }
    }
}
