package io.featurex.loadtest.verify;

import com.google.protobuf.InvalidProtocolBufferException;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.FeatureVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the output and dead-letter topics with {@code isolation.level=read_committed} (only
 * committed transactions, as a downstream consumer sees them) and hands every record to the
 * {@link Ledger}. It reads every partition itself (no consumer group), starting at the end of
 * each as it was when {@link #start()} returned, so earlier runs on the same topics are skipped.
 */
public final class Verifier implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String outputTopic;
    private final String deadLetterTopic;
    private volatile Ledger ledger;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long malformed;
    private Thread thread;

    public Verifier(
            String bootstrapServers, String outputTopic, String deadLetterTopic, Map<String, String> kafkaOverrides) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "featurex-loadtest-verifier");
        props.putAll(kafkaOverrides);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.outputTopic = outputTopic;
        this.deadLetterTopic = deadLetterTopic;
    }

    /**
     * Assigns every partition of both topics at their current end (for read_committed, the last
     * stable offset): outputs of earlier runs are not read.
     */
    public void seekToEnd() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(outputTopic, deadLetterTopic)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist");
            }
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition partition : partitions) {
            consumer.position(partition, Duration.ofSeconds(30)); // resolve the lazy seek now
        }
    }

    /** Starts reading on its own thread, handing every output to {@code ledger}. */
    public void startReading(Ledger ledger) {
        this.ledger = ledger;
        thread = new Thread(this::loop, "loadtest-verifier");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                long seen = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    handle(record, seen);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record, long seenEpochMs) {
        if (record.value() == null) {
            malformed++;
            return;
        }
        try {
            if (record.topic().equals(outputTopic)) {
                FeatureVector v = FeatureVector.parseFrom(record.value());
                ledger.observe(
                        v.getId(),
                        Ledger.Kind.FEATURE,
                        null,
                        v.getWorkerId(),
                        record.timestamp(),
                        seenEpochMs,
                        v.hasSource() ? v.getSource().getPartition() : -1);
            } else {
                DeadLetter d = DeadLetter.parseFrom(record.value());
                ledger.observe(
                        d.getId(),
                        Ledger.Kind.DEAD_LETTER,
                        d.getCode().name(),
                        d.getWorkerId(),
                        record.timestamp(),
                        seenEpochMs,
                        d.hasSource() ? d.getSource().getPartition() : -1);
            }
        } catch (InvalidProtocolBufferException e) {
            malformed++;
        }
    }

    /** Output records that were not a FeatureVector or DeadLetter. */
    public long malformed() {
        return malformed;
    }

    /** Throws what stopped the reading thread, if anything did. */
    public void checkHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("verifier stopped: " + t, t);
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (thread != null) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        consumer.close();
    }
}
