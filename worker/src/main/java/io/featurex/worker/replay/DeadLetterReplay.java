package io.featurex.worker.replay;

import com.google.protobuf.InvalidProtocolBufferException;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead-lettered inputs back to where they came from, byte for byte, once their cause is
 * mended (credentials fixed, an object uploaded late, a store no longer throttling). Reads the
 * dead-letter topic up to its end as it was at the start, with a consumer group of its own whose
 * offsets are committed after the re-sent records are acknowledged, so running it again sends
 * only what was dead-lettered since. A dead letter that carries only a prefix of its input (see
 * {@code dead-letter.max-original-bytes}) is replayed from the input topic itself, where the
 * whole record still is while the topic's retention keeps it. An input record several of whose images were dead-lettered
 * (an S3 event with several objects) is sent once. Its outputs are keyed by the same stable ids
 * as before, so what it already produced is overwritten downstream, not duplicated in a
 * compacted topic.
 */
public final class DeadLetterReplay {

    private static final Duration POLL = Duration.ofMillis(500);

    /**
     * @param codes   the error codes to replay; empty: every code
     * @param toTopic where to send them; empty: each to the topic it was read from
     * @param group   the consumer group that remembers what was replayed
     * @param dryRun  count and list, send nothing, commit nothing
     */
    public record Options(
            String deadLetterTopic, Set<ErrorCode> codes, Optional<String> toTopic, String group, boolean dryRun) {
        public Options {
            codes = Set.copyOf(codes);
        }
    }

    /**
     * What one run did. {@code sent} counts input records; {@code byCode} dead letters that matched;
     * {@code lost} those whose input was truncated in the dead letter and is gone from its topic.
     */
    public record Summary(
            int read, int matched, int sent, int sameInput, int unreadable, int lost, Map<ErrorCode, Integer> byCode) {}

    private DeadLetterReplay() {}

    public static Summary run(Map<String, Object> clientProperties, Options options, PrintStream out) {
        Map<String, Object> consumerProps = new HashMap<>(clientProperties);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, options.group());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerProps = new HashMap<>(clientProperties);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // What is re-sent was accepted by its topic before: the topic's own limit is the one that counts.
        producerProps.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 << 20);

        int read = 0;
        int matched = 0;
        int sent = 0;
        int sameInput = 0;
        int unreadable = 0;
        int lost = 0;
        Map<ErrorCode, Integer> byCode = new EnumMap<>(ErrorCode.class);
        Set<String> inputs = new HashSet<>();
        Map<String, Object> originalsProps = new HashMap<>(consumerProps);
        originalsProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                OriginalRecords originals = new OriginalRecords(
                        new KafkaConsumer<>(originalsProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(options.deadLetterTopic())) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            // The end as it is now: dead letters arriving meanwhile wait for the next run.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            while (!reached(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    read++;
                    done.put(
                            new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    DeadLetter letter;
                    try {
                        letter = DeadLetter.parseFrom(record.value() == null ? new byte[0] : record.value());
                    } catch (InvalidProtocolBufferException e) {
                        unreadable++;
                        continue;
                    }
                    if (!options.codes().isEmpty() && !options.codes().contains(letter.getCode())) {
                        continue;
                    }
                    matched++;
                    byCode.merge(letter.getCode(), 1, Integer::sum);
                    String input = letter.getSource().getTopic() + "/"
                            + letter.getSource().getPartition() + "/"
                            + letter.getSource().getOffset();
                    if (!inputs.add(input)) {
                        sameInput++;
                        continue;
                    }
                    String target = options.toTopic().orElse(letter.getSource().getTopic());
                    byte[] key = letter.getOriginalKey().isEmpty()
                            ? null
                            : letter.getOriginalKey().toByteArray();
                    byte[] value = letter.getOriginalValue().toByteArray();
                    if (letter.getOriginalTruncated()) {
                        // The dead letter kept a prefix: the whole record comes from the input topic.
                        Optional<ConsumerRecord<byte[], byte[]>> original = originals.read(letter.getSource());
                        if (original.isEmpty()) {
                            out.printf(
                                    "cannot send %s %s: its dead letter holds %d of the input's %d bytes, and %s is no longer in the log%n",
                                    letter.getCode(),
                                    letter.getId(),
                                    letter.getOriginalValue().size(),
                                    letter.getOriginalValueSize(),
                                    input);
                            lost++;
                            continue;
                        }
                        key = original.get().key();
                        value = original.get().value();
                    }
                    out.printf(
                            "%s %s %s -> %s%n",
                            options.dryRun() ? "would send" : "send", letter.getCode(), letter.getId(), target);
                    if (!options.dryRun()) {
                        producer.send(new ProducerRecord<>(target, key, value));
                    }
                    sent++;
                }
            }
            if (!options.dryRun()) {
                producer.flush(); // acknowledged before the offsets say they were replayed
                if (!done.isEmpty()) {
                    consumer.commitSync(done);
                }
            }
        }
        return new Summary(read, matched, sent, sameInput, unreadable, lost, new TreeMap<>(byCode));
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
