package io.featurex.loadtest;

import io.featurex.topics.TopicSetup;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** The run's three topics, made or waited for before anything is sent. */
final class RunTopics {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private RunTopics() {}

    static void prepare(Properties common, LoadTestConfig config) {
        try (Admin admin = Admin.create(common)) {
            List<String> names = List.of(config.inputTopic(), config.outputTopic(), config.deadLetterTopic());
            if (config.createTopics()) {
                TopicSetup.ensureTopics(
                        admin,
                        names.stream()
                                .map(name -> new NewTopic(name, Optional.of(config.partitions()), Optional.empty()))
                                .toList(),
                        TOPIC_TIMEOUT);
            } else {
                try {
                    TopicSetup.awaitCreated(admin, names, TOPIC_TIMEOUT);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(e.getMessage() + "; pass --create-topics to create them", e);
                }
            }
        }
    }
}
