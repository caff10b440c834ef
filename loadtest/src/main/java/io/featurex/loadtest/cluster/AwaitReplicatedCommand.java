package io.featurex.loadtest.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster await-replicated}: returns once every partition of every topic, Kafka's own
 * included, has a leader and all its replicas in sync. A broker that answers on its port again
 * may still be catching up; breaking a second one before then takes partitions below
 * min.insync.replicas (or the controllers below their quorum), which is a double fault, not
 * the single one the run means to inject.
 */
@Command(
        name = "await-replicated",
        mixinStandardHelpOptions = true,
        description = "Wait until every partition has a leader and its whole replica set in sync; exit 1 on timeout.")
final class AwaitReplicatedCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--timeout", defaultValue = "120s", description = "Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        try (Admin admin = cluster.admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    String lagging = lagging(admin);
                    if (lagging == null) {
                        return 0;
                    }
                    last = lagging;
                } catch (ExecutionException | TimeoutException e) {
                    last = String.valueOf(e.getCause() == null ? e : e.getCause());
                }
                Thread.sleep(500);
            }
        }
        System.err.println("not fully replicated within " + timeout + ": " + last);
        return 1;
    }

    /** The first partition short of a leader or of in-sync replicas, or null if none is. */
    private static String lagging(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names()
                .get(10, TimeUnit.SECONDS);
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        for (TopicDescription d : descriptions.values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.isr().size() < p.replicas().size()) {
                    return d.name() + "-" + p.partition() + " leader "
                            + (p.leader() == null ? "none" : p.leader().id()) + ", "
                            + p.isr().size() + " of " + p.replicas().size() + " replicas in sync";
                }
            }
        }
        return null;
    }
}
