package io.featurex.worker.testing;

import io.featurex.v1.DeadLetter;
import io.featurex.v1.FeatureVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The verifier: reads the feature and dead-letter topics with read_committed and counts every
 * id, so a test can prove each input came out exactly once, as a feature or as a dead letter.
 */
public final class ExactlyOnce {

    /** How many times each id was seen, across both topics. */
    public final Map<String, Integer> seen = new HashMap<>();
    /** Who produced each output of an id, for diagnosing a duplicate. */
    public final Map<String, List<String>> origins = new HashMap<>();

    public int features;
    public int deadLetters;

    /** Reads until every expected id was seen (then a little longer, for late duplicates) or the timeout. */
    public static ExactlyOnce read(
            String bootstrap, String output, String deadLetterTopic, Collection<String> expected, Duration timeout)
            throws Exception {
        ExactlyOnce result = new ExactlyOnce();
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "verifier-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(output, deadLetterTopic));
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    String id;
                    String origin;
                    if (record.topic().equals(output)) {
                        FeatureVector v = FeatureVector.parseFrom(record.value());
                        id = v.getId();
                        origin = "feature by " + v.getWorkerId() + " from "
                                + v.getSource().getPartition() + "@"
                                + v.getSource().getOffset() + " at "
                                + v.getExtractedTime().getSeconds() + "."
                                + v.getExtractedTime().getNanos();
                        result.features++;
                    } else {
                        DeadLetter d = DeadLetter.parseFrom(record.value());
                        id = d.getId();
                        origin = "dead letter by " + d.getWorkerId() + " from "
                                + d.getSource().getPartition() + "@"
                                + d.getSource().getOffset();
                        result.deadLetters++;
                    }
                    result.seen.merge(id, 1, Integer::sum);
                    result.origins
                            .computeIfAbsent(id, k -> new ArrayList<>())
                            .add(origin + " -> " + record.topic() + "-" + record.partition() + "@" + record.offset());
                }
                if (quietUntil == Long.MAX_VALUE && result.seen.keySet().containsAll(expected)) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
            }
        }
        return result;
    }

    public Set<String> missing(Collection<String> expected) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(seen.keySet());
        return missing;
    }

    /** Ids seen more than once, with where each copy came from. */
    public Map<String, List<String>> duplicated() {
        Map<String, List<String>> twice = new HashMap<>();
        seen.forEach((id, n) -> {
            if (n > 1) {
                twice.put(id, origins.get(id));
            }
        });
        return twice;
    }

    public Set<String> unexpected(Collection<String> expected) {
        Set<String> extra = new TreeSet<>(seen.keySet());
        extra.removeAll(expected);
        return extra;
    }

    @Override
    public String toString() {
        return features + " features + " + deadLetters + " dead letters, " + seen.size() + " distinct ids";
    }
}
