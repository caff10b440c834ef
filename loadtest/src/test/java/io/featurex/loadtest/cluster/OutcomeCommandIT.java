package io.featurex.loadtest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.embedded.EmbeddedKafkaBroker;
import io.featurex.loadtest.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code cluster outcome} against a real broker's committed, aborted and open transactions. */
class OutcomeCommandIT {

    private static final String TOPIC = "outcome.features";
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void tellsCommittedFromAbortedAndWaitsOutAnOpenOne() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.initTransactions();
            long committed = write(producer, "a");
            producer.commitTransaction();
            long aborted = write(producer, "b");
            producer.abortTransaction();
            long committedAfter = write(producer, "c");
            producer.commitTransaction();
            long open = write(producer, "d");
            producer.flush();

            assertThat(run("--record", TOPIC + "-0=" + committed)).isEqualTo("committed");
            assertThat(run("--record", TOPIC + "-0=" + aborted)).isEqualTo("aborted");
            assertThat(run("--record", TOPIC + "-0=" + committedAfter)).isEqualTo("committed");

            OutcomeCommand command = command(Duration.ofSeconds(2));
            assertThat(command.outcome(new TopicPartition(TOPIC, 0), open))
                    .as("a transaction still open is not resolved")
                    .isNull();
            producer.abortTransaction();
            assertThat(run("--record", TOPIC + "-0=" + open)).isEqualTo("aborted");
        }
    }

    @Test
    void refusesARecordItCannotParse() {
        assertThat(Main.commandLine()
                        .execute(
                                "cluster",
                                "outcome",
                                "--bootstrap-servers",
                                broker.bootstrapServers(),
                                "--record",
                                "no-offset",
                                "--timeout",
                                "5s"))
                .isEqualTo(2);
    }

    private static long write(KafkaProducer<byte[], byte[]> producer, String value) throws Exception {
        producer.beginTransaction();
        return producer.send(new ProducerRecord<>(TOPIC, 0, null, value.getBytes(StandardCharsets.UTF_8)))
                .get()
                .offset();
    }

    private static String run(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 4];
            all[0] = "cluster";
            all[1] = "outcome";
            all[2] = "--bootstrap-servers";
            all[3] = broker.bootstrapServers();
            System.arraycopy(args, 0, all, 4, args.length);
            assertThat(Main.commandLine().execute(all)).isZero();
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8).trim();
    }

    private static OutcomeCommand command(Duration timeout) {
        OutcomeCommand command = new OutcomeCommand();
        command.cluster = new ClusterOptions();
        command.cluster.bootstrapServers = broker.bootstrapServers();
        command.timeout = timeout;
        return command;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "outcome-it"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
