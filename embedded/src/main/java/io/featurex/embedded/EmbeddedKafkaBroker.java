package io.featurex.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
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

    private static final String HOST = "127.0.0.1";
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
        Path dir = Files.createTempDirectory("featurex-kafka-");
        try {
            return launch(dir, true);
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
        Properties props = serverProperties(port, controllerPort, logDir);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(props, dataDir.resolve("server.properties"));
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
        long started = System.nanoTime();
        Path logDir = dataDir.resolve(LOG_DIR_NAME);
        PortClashException lastClash = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int[] ports = freePorts(2);
            Properties props = serverProperties(ports[0], ports[1], logDir);
            format(props, dataDir.resolve("server.properties"));
            KafkaRaftServer server;
            try {
                server = startServer(props, ports);
            } catch (PortClashException e) {
                // The formatted log names the controller port that just clashed: start over.
                log.debug("Port clash on attempt {} (ports {} and {}), retrying", attempt, ports[0], ports[1]);
                lastClash = e;
                deleteQuietly(logDir);
                continue;
            }
            String bootstrap = HOST + ":" + ports[0];
            try {
                awaitAnswering(bootstrap);
            } catch (IOException | RuntimeException e) {
                stopQuietly(server);
                throw e;
            }
            log.info("Embedded Kafka broker on {} started in {} ms", bootstrap, elapsedMillis(started));
            return new EmbeddedKafkaBroker(server, bootstrap, dataDir, ownsDataDir);
        }
        throw new IOException("Embedded Kafka broker could not bind free ports in "
                + START_ATTEMPTS + " attempts", lastClash);
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
                if (isPortClash(e) || anyTaken(ports)) {
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

    private static Properties serverProperties(int port, int controllerPort, Path logDir) {
        String plaintext = "PLAINTEXT://" + HOST + ":" + port;
        String controller = "CONTROLLER://" + HOST + ":" + controllerPort;
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort),
                Map.entry("listeners", plaintext + "," + controller),
                Map.entry("advertised.listeners", plaintext + "," + controller),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                // One node: internal topics cannot have more than one replica, and the default
                // of 50 partitions each only slows down the first group or transaction.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.num.partitions", "4"),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                // Nobody else joins a group here: waiting for more members only delays tests.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // The default 128 MiB cleaner buffer is heap the worker would rather keep.
                Map.entry("log.cleaner.dedupe.buffer.size", "2097152"),
                // A restarted node waits out its previous session before it is unfenced: keep it short.
                Map.entry("broker.heartbeat.interval.ms", "500"),
                Map.entry("broker.session.timeout.ms", "3000"),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "4"),
                Map.entry("num.recovery.threads.per.data.dir", "1"),
                Map.entry("background.threads", "4")));
        return props;
    }

    /** Runs the equivalent of {@code kafka-storage.sh format --standalone}, keeping its chatter out of stdout. */
    private static void format(Properties props, Path propertiesFile) throws IOException {
        try (OutputStream out = Files.newOutputStream(propertiesFile)) {
            props.store(out, "featurex embedded Kafka broker");
        }
        String[] args = {
            "format", "-t", Uuid.randomUuid().toString(), "-c", propertiesFile.toString(), "--standalone"
        };
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream printStream = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args, printStream);
        } catch (RuntimeException e) {
            throw new IOException("Formatting Kafka storage failed: " + captured.toString(StandardCharsets.UTF_8).strip(), e);
        }
        String output = captured.toString(StandardCharsets.UTF_8).strip();
        if (rc != 0) {
            throw new IOException("Formatting Kafka storage failed (exit " + rc + "): " + output);
        }
        log.debug("Kafka storage formatted: {}", output);
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
                            .nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted waiting for embedded Kafka broker");
            interrupted.initCause(e);
            throw interrupted;
        }
        throw new IOException("Embedded Kafka broker on " + bootstrap + " did not answer within " + READY_TIMEOUT, last);
    }

    private static int[] freePorts(int count) throws IOException {
        // All sockets stay open until every port is chosen, so the ports differ from each other.
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket();
                sockets[i].bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    private static boolean anyTaken(int[] ports) {
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPortClash(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
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
