package io.featurex.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded broker's configuration, one node tuned for small data, and the storage formatted for it. */
final class KraftConfig {

    private static final Logger log = LoggerFactory.getLogger(KraftConfig.class);

    private KraftConfig() {}

    static Properties serverProperties(int port, int controllerPort, Path logDir) {
        String plaintext = "PLAINTEXT://" + LoopbackPorts.HOST + ":" + port;
        String controller = "CONTROLLER://" + LoopbackPorts.HOST + ":" + controllerPort;
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.bootstrap.servers", LoopbackPorts.HOST + ":" + controllerPort),
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
    static void format(Properties props, Path propertiesFile) throws IOException {
        try (OutputStream out = Files.newOutputStream(propertiesFile)) {
            props.store(out, "featurex embedded Kafka broker");
        }
        String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", propertiesFile.toString(), "--standalone"};
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream printStream = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args, printStream);
        } catch (RuntimeException e) {
            throw new IOException(
                    "Formatting Kafka storage failed: "
                            + captured.toString(StandardCharsets.UTF_8).strip(),
                    e);
        }
        String output = captured.toString(StandardCharsets.UTF_8).strip();
        if (rc != 0) {
            throw new IOException("Formatting Kafka storage failed (exit " + rc + "): " + output);
        }
        log.debug("Kafka storage formatted: {}", output);
    }
}
