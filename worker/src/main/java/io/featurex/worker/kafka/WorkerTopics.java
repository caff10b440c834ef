package io.featurex.worker.kafka;

import io.featurex.topics.TopicSetup;
import io.featurex.worker.config.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** A worker's topics at start-up: created where so configured, and in any case ready to use. */
public final class WorkerTopics {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private WorkerTopics() {}

    /** The worker never produces into a topic whose partitions are not all ready (KAFKA-15591). */
    public static void prepare(WorkerConfig config) {
        List<String> names = new ArrayList<>(config.inputs().names());
        names.add(config.outputTopic());
        names.add(config.deadLetterTopic());
        try (Admin admin = Admin.create(KafkaClients.admin(config))) {
            if (config.createTopics()) {
                Optional<Short> replication = config.topicReplicationFactor() < 0
                        ? Optional.empty()
                        : Optional.of(config.topicReplicationFactor());
                List<NewTopic> topics = names.stream()
                        .map(name -> new NewTopic(name, Optional.of(config.topicPartitions()), replication))
                        .toList();
                TopicSetup.ensureTopics(admin, topics, TOPIC_TIMEOUT);
            } else {
                TopicSetup.awaitReady(admin, names, TOPIC_TIMEOUT);
            }
        }
    }
}
