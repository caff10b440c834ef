package io.featurex.worker.config;

import java.util.List;

/**
 * The topics read and written, what one record may hold, and how missing topics are created.
 *
 * @param maxImagesPerRecord         most images one input record may name
 * @param deadLetterMaxOriginalBytes most of an input record's value a dead letter carries
 * @param replicationFactor          of created topics; -1 for the broker's default
 */
public record TopicSettings(
        InputTopics inputs,
        int maxImagesPerRecord,
        String outputTopic,
        String deadLetterTopic,
        int deadLetterMaxOriginalBytes,
        boolean create,
        int partitions,
        short replicationFactor) {

    static TopicSettings from(SettingReader r) {
        String output = r.topic(Setting.OUTPUT_TOPIC);
        String deadLetters = r.topic(Setting.DEAD_LETTER_TOPIC);
        InputTopics inputs = InputTopics.from(r);
        List<String> inputNames = r.list(Setting.INPUT_TOPIC);
        if (inputNames.contains(output) || inputNames.contains(deadLetters)) {
            r.problem(Setting.INPUT_TOPIC, "must differ from the output and dead-letter topics");
        }
        if (output != null && output.equals(deadLetters)) {
            r.problem(Setting.DEAD_LETTER_TOPIC, "must differ from the output topic");
        }
        int maxOriginal = r.integer(Setting.DEAD_LETTER_MAX_ORIGINAL_BYTES, 0, Integer.MAX_VALUE - 1);
        int maxImagesPerRecord = r.integer(Setting.INPUT_MAX_IMAGES_PER_RECORD, 1, 1_000_000);
        boolean create = r.bool(Setting.TOPICS_CREATE);
        int partitions = r.integer(Setting.TOPICS_PARTITIONS, 1, 100_000);
        int replication = r.integer(Setting.TOPICS_REPLICATION, -1, Short.MAX_VALUE);
        if (replication == 0) {
            r.problem(Setting.TOPICS_REPLICATION, "must be -1 (broker default) or at least 1");
        }
        return new TopicSettings(
                inputs, maxImagesPerRecord, output, deadLetters, maxOriginal, create, partitions, (short) replication);
    }
}
