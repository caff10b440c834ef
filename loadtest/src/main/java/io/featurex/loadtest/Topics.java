package io.featurex.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes sure the three topics exist and every partition has a leader answering listOffsets
 * before anything is produced (records produced right after createTopics have been lost,
 * KAFKA-15591). Without {@code create}, waits for someone else (the workers) to create them.
 */
final class Topics {

    private Topics() {
    }

    static void ensure(Admin admin, List<String> names, boolean create, int partitions, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (create) {
            List<NewTopic> missing = new ArrayList<>();
            Set<String> existing = get(admin.listTopics().names(), deadline);
            for (String name : names) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, Optional.of(partitions), Optional.empty()));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(remaining(deadline), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topics " + names + ": " + e.getCause(), e.getCause());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("creating topics " + names + " timed out", e);
                }
            }
        }
        String lastProblem = "";
        while (true) {
            try {
                if (ready(admin, names, deadline)) {
                    return;
                }
                lastProblem = "a partition has no leader yet";
            } catch (IllegalStateException e) {
                lastProblem = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " not ready within " + timeout.toSeconds()
                        + " s (" + lastProblem + ")" + (create ? "" : "; pass --create-topics to create them"));
            }
            Thread.sleep(250);
        }
    }

    private static boolean ready(Admin admin, List<String> names, long deadline) throws InterruptedException {
        Map<String, TopicDescription> topics = get(admin.describeTopics(names).allTopicNames(), deadline);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription topic : topics.values()) {
            for (TopicPartitionInfo p : topic.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return false;
                }
                request.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest());
            }
        }
        get(admin.listOffsets(request).all(), deadline);
        return true;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, long deadline) throws InterruptedException {
        try {
            return future.get(Math.max(1, Math.min(remaining(deadline), 5_000)), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer from the broker", e);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
