package io.featurex.loadtest.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster aborted}: reads a topic whole twice, read_uncommitted and read_committed, and
 * prints both counts and their difference: the records of aborted transactions. A fault run uses
 * it to show that its kills really left transactions with records in them, which a verifier
 * reading committed data alone cannot see.
 */
@Command(
        name = "aborted",
        mixinStandardHelpOptions = true,
        description = "Count a topic's records read_uncommitted and read_committed; print "
                + "'uncommitted N committed M aborted N-M'. Run it when no transaction is open.")
final class AbortedCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", required = true)
    String topic;

    @Override
    public Integer call() {
        long uncommitted = count("read_uncommitted");
        long committed = count("read_committed");
        System.out.printf(
                Locale.ROOT,
                "uncommitted %d committed %d aborted %d%n",
                uncommitted,
                committed,
                uncommitted - committed);
        return 0;
    }

    private long count(String isolation) {
        Map<String, Object> props = cluster.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed ends at the last stable offset: with no transaction open, the log end.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long records = 0;
            long idleSince = System.nanoTime();
            while (!reachedEnd(consumer, partitions, end)) {
                int n = consumer.poll(Duration.ofMillis(500)).count();
                records += n;
                if (n > 0) {
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince
                        > Duration.ofSeconds(30).toNanos()) {
                    throw new IllegalStateException(
                            topic + " (" + isolation + "): no progress for 30 s; is a transaction still open?");
                }
            }
            return records;
        }
    }

    private static boolean reachedEnd(
            KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
