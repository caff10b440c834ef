package io.featurex.worker.sink;

import io.featurex.worker.config.ConfigException;
import io.featurex.worker.config.Setting;
import io.featurex.worker.config.WorkerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What the output topics take per record, checked at start-up against the settings that decide
 * how large outputs can get, so that a mismatch is a clear list of problems before the first
 * record rather than a surprise on some record later.
 */
public record OutputLimits(RecordLimit features, RecordLimit deadLetters) {

    /** What a dead letter holds besides the input's bytes, at most: texts cut short, coordinates, headers. */
    static final int DEAD_LETTER_ROOM = 16 * 1024;
    /** A feature record without attributes: the floats plus id, uri, model identity and coordinates of ordinary length. */
    static final int FEATURE_FIELDS_BYTES = 1024;

    /**
     * @param maxMessageBytes {@code max.message.bytes} of the input, output and dead-letter topics
     * @param dimension       floats per feature vector
     * @throws ConfigException listing every mismatch
     */
    public static OutputLimits check(WorkerConfig config, Map<String, Long> maxMessageBytes, int dimension) {
        long maxRequest = producerLong(config, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
        long bufferMemory = producerLong(config, ProducerConfig.BUFFER_MEMORY_CONFIG, 32L * 1024 * 1024);
        RecordLimit features =
                new RecordLimit(config.outputTopic(), maxMessageBytes.get(config.outputTopic()), maxRequest);
        RecordLimit deadLetters =
                new RecordLimit(config.deadLetterTopic(), maxMessageBytes.get(config.deadLetterTopic()), maxRequest);
        List<String> problems = new ArrayList<>();

        long featureBytes = RecordLimit.RECORD_OVERHEAD + 4L * dimension + FEATURE_FIELDS_BYTES;
        if (featureBytes > features.maxRecordBytes()) {
            problems.add(Setting.OUTPUT_TOPIC.problem("a feature of " + dimension + " floats takes about "
                    + featureBytes + " bytes, and " + features.describe() + ": raise the topic's max.message.bytes"));
        }
        long deadLetterBytes = (long) config.deadLetterMaxOriginalBytes() + DEAD_LETTER_ROOM;
        if (deadLetterBytes > deadLetters.maxRecordBytes()) {
            problems.add(Setting.DEAD_LETTER_MAX_ORIGINAL_BYTES.problem(config.deadLetterMaxOriginalBytes()
                    + " bytes of an input and " + DEAD_LETTER_ROOM + " for the rest of a dead letter make "
                    + deadLetterBytes
                    + ", and " + deadLetters.describe() + ": lower it to "
                    + Math.max(0, deadLetters.maxRecordBytes() - DEAD_LETTER_ROOM)
                    + " or raise the topic's max.message.bytes"));
        }
        if (config.inlineMaxBytes().isPresent()) {
            long inline = config.inlineMaxBytes().getAsLong();
            long largestInput = config.inputs().names().stream()
                    .mapToLong(maxMessageBytes::get)
                    .max()
                    .orElse(0);
            if (inline > largestInput) {
                problems.add(Setting.FETCH_INLINE_MAX_BYTES.problem(inline
                        + " bytes, but no input topic takes a record that large"
                        + " (largest max.message.bytes of " + config.inputs().names() + ": " + largestInput
                        + "): such images could never arrive; use auto, or raise the topics' max.message.bytes"));
            }
        }
        long recordOutputs = (long) config.maxImagesPerRecord() * featureBytes;
        if (recordOutputs > bufferMemory) {
            problems.add(Setting.INPUT_MAX_IMAGES_PER_RECORD.problem(config.maxImagesPerRecord() + " features of about "
                    + featureBytes + " bytes (" + recordOutputs
                    + " bytes) are published in one transaction, more than the"
                    + " producer's buffer.memory (" + bufferMemory + "): lower it, or raise kafka.buffer.memory"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new OutputLimits(features, deadLetters);
    }

    private static long producerLong(WorkerConfig config, String key, long fallback) {
        String value = config.kafka().get(key);
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(List.of(Setting.KAFKA_PREFIX + key + ": '" + value + "' is not a whole number"));
        }
    }
}
