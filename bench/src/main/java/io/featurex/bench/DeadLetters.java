package io.featurex.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.featurex.v1.DeadLetter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What a bench run's dead letters say, for the message of a run that should have had none. */
final class DeadLetters {

    private DeadLetters() {}

    /** Counts by code and the first message of each, read from the start of the topic. */
    static String summary(String bootstrap, String topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-dead-letters-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, String> first = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            for (int empty = 0; empty < 5; ) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    empty++;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    DeadLetter letter = DeadLetter.parseFrom(record.value());
                    counts.merge(letter.getCode().name(), 1, Integer::sum);
                    first.putIfAbsent(letter.getCode().name(), letter.getMessage());
                }
            }
        } catch (InvalidProtocolBufferException e) {
            return "unreadable dead letters: " + e.getMessage();
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((code, n) -> out.append(code)
                .append(" x")
                .append(n)
                .append(" (")
                .append(first.get(code))
                .append(") "));
        return out.toString().trim();
    }
}
