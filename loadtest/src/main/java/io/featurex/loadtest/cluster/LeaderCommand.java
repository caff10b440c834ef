package io.featurex.loadtest.cluster;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cluster leader}: the broker id leading one partition, on stdout. */
@Command(
        name = "leader",
        mixinStandardHelpOptions = true,
        description = "Print the id of the broker leading a partition.")
final class LeaderCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", required = true)
    String topic;

    @Option(names = "--partition", defaultValue = "0")
    int partition;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = cluster.admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
            TopicPartitionInfo info = description.partitions().get(partition);
            if (info.leader() == null) {
                System.err.println(topic + "-" + partition + " has no leader now");
                return 1;
            }
            System.out.println(info.leader().id());
            return 0;
        }
    }
}
