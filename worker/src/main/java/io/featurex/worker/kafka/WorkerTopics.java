package io.featurex.worker.kafka;

import io.featurex.topics.TopicSetup;
import io.featurex.worker.config.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;

/** A worker's topics at start-up: created where so configured, and in any case ready to use. */
public final class WorkerTopics {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(30);

    private WorkerTopics() {}

    /** The worker never produces into a topic whose partitions are not all ready (KAFKA-15591). */
    public static void prepare(WorkerConfig config) {
        BrokerCheck.system().check(config.bootstrapServers());
        List<String> names = new ArrayList<>(config.inputs().names());
        names.add(config.outputTopic());
        names.add(config.deadLetterTopic());
        try (Admin admin = Admin.create(KafkaClients.admin(config))) {
            awaitCluster(admin, config.bootstrapServers());
            if (!config.createTopics()) {
                // With topics.create the topics may not exist yet; the grants are checked once they do.
                AccessCheck.check(admin, config);
            }
            if (config.createTopics()) {
                Optional<Short> replication = config.topicReplicationFactor() < 0
                        ? Optional.empty()
                        : Optional.of(config.topicReplicationFactor());
                List<NewTopic> topics = names.stream()
                        .map(name -> new NewTopic(name, Optional.of(config.topicPartitions()), replication))
                        .toList();
                TopicSetup.ensureTopics(admin, topics, TOPIC_TIMEOUT);
                AccessCheck.check(admin, config);
            } else {
                TopicSetup.awaitReady(admin, names, TOPIC_TIMEOUT);
            }
        }
    }

    /**
     * The servers accept connections; this asks one for the cluster, so that a wrong protocol or
     * refused credentials are reported as such, not as a topic that never became ready.
     */
    static void awaitCluster(Admin admin, String bootstrapServers) {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) CLUSTER_TIMEOUT.toMillis()))
                    .clusterId()
                    .get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SslAuthenticationException) {
                throw new BrokerUnreachableException(
                        "TLS handshake with " + bootstrapServers + " failed: " + cause.getMessage(), cause);
            }
            if (cause instanceof AuthenticationException) {
                throw new BrokerUnreachableException(
                        "the cluster at " + bootstrapServers + " refused the worker's credentials: "
                                + cause.getMessage(),
                        cause);
            }
            if (cause instanceof TimeoutException) {
                throw new BrokerUnreachableException(
                        "the servers at " + bootstrapServers
                                + " accept connections but did not answer as Kafka within "
                                + CLUSTER_TIMEOUT.toSeconds()
                                + " s (a port that is not Kafka's, or a listener expecting another security.protocol)",
                        cause);
            }
            throw new BrokerUnreachableException(
                    "the cluster at " + bootstrapServers + " could not be described: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnreachableException("interrupted while reaching " + bootstrapServers, e);
        }
    }
}
