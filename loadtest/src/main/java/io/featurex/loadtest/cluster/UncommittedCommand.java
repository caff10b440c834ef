package io.featurex.loadtest.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster uncommitted}: how many offsets of a topic lie past its last stable offset, that
 * is, belong to transactions still open. A fault run freezes a worker whose transaction is open
 * and asks this before it kills it: above 0, records of that transaction are in the log, and the
 * kill exercises the abort of written records, not just of an empty transaction.
 */
@Command(
        name = "uncommitted",
        mixinStandardHelpOptions = true,
        description = "Print the offsets of a topic past its last stable offset (records of open transactions).")
final class UncommittedCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", required = true)
    String topic;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = cluster.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicPartitionInfo p : admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()) {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResultInfo> end =
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> stable = admin.listOffsets(
                            latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long open = 0;
            for (TopicPartition tp : latest.keySet()) {
                open += end.get(tp).offset() - stable.get(tp).offset();
            }
            System.out.println(open);
            return 0;
        }
    }
}
