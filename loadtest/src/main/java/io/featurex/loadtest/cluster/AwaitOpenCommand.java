package io.featurex.loadtest.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster await-open}: returns as soon as a transactional id has a transaction open with
 * records written to the topic, so that the fault that follows lands inside it. A worker's
 * transaction spans one publish, tens of milliseconds: a kill at a random moment mostly lands
 * between two, and the abort path would go untested.
 */
@Command(
        name = "await-open",
        mixinStandardHelpOptions = true,
        description = "Wait until a transactional id has an ongoing transaction holding partitions of a topic; "
                + "print them. Exit 1 if none opened in time.")
final class AwaitOpenCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(
            names = "--transactional-id",
            required = true,
            split = ",",
            description = "One or more (comma-separated): the first of them found with a transaction open is printed.")
    List<String> transactionalIds;

    @Option(names = "--topic", required = true, description = "A topic the transaction must have written to.")
    String topic;

    @Option(names = "--timeout", defaultValue = "60s", description = "Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        try (Admin admin = cluster.admin()) {
            while (System.nanoTime() < deadline) {
                for (String transactionalId : transactionalIds) {
                    TransactionDescription d;
                    try {
                        d = Transactions.describe(admin, transactionalId).get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        // Not there yet (the worker still starting), or its coordinator moving.
                        last = transactionalId + " " + e.getCause();
                        Thread.sleep(50);
                        continue;
                    }
                    last = transactionalId + " " + d.state() + " " + d.topicPartitions();
                    if (d.state() == TransactionState.ONGOING
                            && d.topicPartitions().stream()
                                    .map(TopicPartition::topic)
                                    .anyMatch(topic::equals)) {
                        System.out.println(transactionalId + " " + d.state() + " " + d.topicPartitions());
                        return 0;
                    }
                    // The admin round trip is itself a few milliseconds; no sleep, or windows are missed.
                }
            }
        }
        System.err.println("no transaction of " + transactionalIds + " open on " + topic + " within " + timeout
                + "; last seen: " + last);
        return 1;
    }
}
