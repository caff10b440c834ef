package io.featurex.loadtest.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster outcome}: how the transaction whose first record in a partition sits at an offset
 * ended, as a {@code read_committed} reader sees it: "committed" if that record is delivered,
 * "aborted" if the reader passes over it.
 *
 * <p>A fault run asks this of each transaction it caught with records written, once the cluster
 * has healed. A freeze is no proof that the transaction was cut short: the worker may have sent
 * its commit just before, and the coordinator goes on with a commit it has accepted (it is written
 * to its own log before the state it reports changes), whatever the worker does next.
 */
@Command(
        name = "outcome",
        mixinStandardHelpOptions = true,
        description = "Print 'committed' or 'aborted' for the transactional record at PARTITION=OFFSET "
                + "(as catch-written names it), read_committed; exit 1 if it is not resolved in time.")
final class OutcomeCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(
            names = "--record",
            required = true,
            paramLabel = "TOPIC-PARTITION=OFFSET",
            description = "e.g. featurex.features-3=332")
    String record;

    @Option(names = "--timeout", defaultValue = "60s", description = "Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() {
        int eq = record.lastIndexOf('=');
        int dash = eq < 0 ? -1 : record.lastIndexOf('-', eq);
        if (dash <= 0) {
            System.err.println("--record must be TOPIC-PARTITION=OFFSET, not " + record);
            return 2;
        }
        TopicPartition tp =
                new TopicPartition(record.substring(0, dash), Integer.parseInt(record.substring(dash + 1, eq)));
        long offset = Long.parseLong(record.substring(eq + 1));
        String outcome = outcome(tp, offset);
        if (outcome == null) {
            System.err.println(record + ": not resolved within " + timeout + " (a transaction still open before it?)");
            return 1;
        }
        System.out.println(outcome);
        return 0;
    }

    /** "committed", "aborted", or null if the reader could not get past the offset in time. */
    String outcome(TopicPartition tp, long offset) {
        Map<String, Object> props = cluster.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    return records.iterator().next().offset() == offset ? "committed" : "aborted";
                }
                // Aborted records and the markers after them are skipped without a record to show.
                if (consumer.position(tp) > offset) {
                    return "aborted";
                }
            }
            return null;
        }
    }
}
