package io.featurex.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics and waits until they can really be used.
 *
 * <p>{@code createTopics} completing only means the controller accepted the topic; the broker
 * may not lead its partitions yet, and records produced in that window have been lost
 * (KAFKA-15591). A partition that answers {@code listOffsets} has a serving leader.
 */
public final class TopicSetup {

    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    private static final long RETRY_BACKOFF_MS = 100;

    private TopicSetup() {}

    /**
     * Creates the topics that do not exist yet (others are left as they are), then waits until
     * every partition of every named topic answers listOffsets (KAFKA-15591: producing right
     * after createTopics returned once lost 126 records here). Throws with a clear message
     * naming the topic on timeout.
     *
     * @throws IllegalStateException a topic could not be created or was not ready in time
     * @throws InterruptException    the thread was interrupted (its interrupt status is kept)
     */
    public static void ensureTopics(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        Deadline deadline = new Deadline(timeout);
        Set<String> existing = listTopicNames(admin, deadline);
        List<NewTopic> missing = new ArrayList<>();
        for (NewTopic topic : topics) {
            if (!existing.contains(topic.name())) {
                missing.add(topic);
            }
        }
        if (!missing.isEmpty()) {
            create(admin, missing, deadline);
        }
        List<String> names = topics.stream().map(NewTopic::name).distinct().toList();
        // A topic just created may be unknown to the broker for a moment: keep asking.
        awaitPartitionsReady(admin, names, deadline, false);
    }

    /**
     * Waits until every partition of the existing topics answers listOffsets; fails with a
     * clear message if a topic does not exist.
     *
     * @throws IllegalStateException a topic does not exist or was not ready in time
     * @throws InterruptException    the thread was interrupted (its interrupt status is kept)
     */
    public static void awaitReady(Admin admin, Collection<String> topicNames, Duration timeout) {
        awaitPartitionsReady(admin, List.copyOf(new LinkedHashSet<>(topicNames)), new Deadline(timeout), true);
    }

    /**
     * Waits until the topics exist (someone else creates them: the workers, say) and every
     * partition answers listOffsets.
     *
     * @throws IllegalStateException a topic was not there and ready in time
     */
    public static void awaitCreated(Admin admin, Collection<String> topicNames, Duration timeout) {
        awaitPartitionsReady(admin, List.copyOf(new LinkedHashSet<>(topicNames)), new Deadline(timeout), false);
    }

    private static Set<String> listTopicNames(Admin admin, Deadline deadline) {
        try {
            return get(
                    admin.listTopics(new ListTopicsOptions().timeoutMs(deadline.remainingMillisInt()))
                            .names(),
                    deadline);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not list Kafka topics: " + describe(e), e);
        }
    }

    private static void create(Admin admin, List<NewTopic> topics, Deadline deadline) {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(
                        topics, new CreateTopicsOptions().timeoutMs(deadline.remainingMillisInt()))
                .values();
        for (NewTopic topic : topics) {
            try {
                get(results.get(topic.name()), deadline);
                log.info(
                        "Created topic {} ({} partitions)",
                        topic.name(),
                        topic.numPartitions() < 0 ? "default" : String.valueOf(topic.numPartitions()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic '" + topic.name() + "': " + describe(e), e);
                }
                // Another worker created it between our list and create: that is what we wanted.
                log.debug("Topic {} was created concurrently", topic.name());
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "Creating topic '" + topic.name() + "' timed out after " + deadline.timeout, e);
            }
        }
    }

    private static void awaitPartitionsReady(Admin admin, List<String> names, Deadline deadline, boolean mustExist) {
        for (String name : names) {
            Throwable lastProblem = null;
            while (true) {
                try {
                    if (partitionsAnswer(admin, name, deadline, mustExist)) {
                        break;
                    }
                    lastProblem = null;
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    if (!(cause instanceof RetriableException || cause instanceof TimeoutException)) {
                        throw new IllegalStateException(
                                "Kafka topic '" + name + "' cannot be used: " + describe(e), cause);
                    }
                    lastProblem = cause;
                }
                if (deadline.expired()) {
                    throw new IllegalStateException(
                            "Kafka topic '" + name + "' was not ready within "
                                    + deadline.timeout + ": not every partition has a leader answering listOffsets"
                                    + (lastProblem == null ? "" : " (last error: " + lastProblem + ")"),
                            lastProblem);
                }
                sleep(Math.min(RETRY_BACKOFF_MS, deadline.remainingMillis()));
            }
        }
    }

    /** False while some partition still has no leader; any failure to answer is thrown. */
    private static boolean partitionsAnswer(Admin admin, String name, Deadline deadline, boolean mustExist)
            throws ExecutionException, TimeoutException {
        TopicDescription description;
        try {
            description = get(
                    admin.describeTopics(
                                    List.of(name), new DescribeTopicsOptions().timeoutMs(deadline.remainingMillisInt()))
                            .topicNameValues()
                            .get(name),
                    deadline);
        } catch (ExecutionException e) {
            if (mustExist && e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("Kafka topic '" + name + "' does not exist", e.getCause());
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicPartitionInfo partition : description.partitions()) {
            if (partition.leader() == null || partition.leader().isEmpty()) {
                return false;
            }
            request.put(new TopicPartition(name, partition.partition()), OffsetSpec.latest());
        }
        get(
                admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(deadline.remainingMillisInt()))
                        .all(),
                deadline);
        return true;
    }

    private static <T> T get(KafkaFuture<T> future, Deadline deadline) throws ExecutionException, TimeoutException {
        try {
            return future.get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new InterruptException("Interrupted while setting up Kafka topics", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            throw new InterruptException("Interrupted while waiting for Kafka topics", e);
        }
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.toString();
    }

    /** One budget shared by every admin call of an operation, so the caller's timeout holds overall. */
    private static final class Deadline {
        private final Duration timeout;
        private final long endNanos;

        Deadline(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            this.endNanos = System.nanoTime() + timeout.toNanos();
        }

        long remainingMillis() {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()));
        }

        int remainingMillisInt() {
            // Admin rejects a zero timeout; one millisecond fails fast with a TimeoutException.
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remainingMillis()));
        }

        boolean expired() {
            return remainingMillis() == 0;
        }
    }
}
