package io.featurex.similar;

import com.google.protobuf.InvalidProtocolBufferException;
import io.featurex.v1.FeatureVector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the feature topic from the beginning into a {@link SimilarityIndex} and keeps reading,
 * so the index follows the topic. It reads with {@code read_committed} (only vectors of committed
 * worker transactions) and assigns itself every partition without a consumer group: each
 * follower holds the whole index, and nothing is committed to Kafka.
 *
 * <p>A persistent index ({@link SimilarityIndex#persistent()}) keeps the offsets instead: they
 * are committed with the vectors, every {@code commitEvery}, on catching up and on close, and
 * a restart resumes from them. Offsets are taken between polls, when every record polled has
 * been applied, so what is committed is exactly what the offsets say was read. A committed
 * offset the topic no longer has (retention, a recreated topic) falls back to the earliest one:
 * records read twice are harmless, as the latest vector per id wins.
 *
 * <p>"Caught up" means every partition's position has reached the end offset the topic had
 * when the follower started (for read_committed, the last stable offset).
 */
public final class IndexFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IndexFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);

    private final String topic;
    private final SimilarityIndex index;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong unparseable = new AtomicLong();
    /** Nanoseconds between commits; 0 for an index that keeps nothing. */
    private final long commitEveryNanos;

    private final Map<Integer, Long> resumed;
    private volatile boolean stopping;
    private volatile boolean started;
    private Set<TopicPartition> assigned = Set.of();

    /** @param clientProperties bootstrap servers and any client settings (TLS, SASL); the rest is set here */
    public IndexFollower(Map<String, Object> clientProperties, String topic, SimilarityIndex index) {
        this.topic = topic;
        this.index = index;
        this.commitEveryNanos =
                index.persistent() ? index.settings().commitEvery().toNanos() : 0;
        this.resumed = index.resumeOffsets(topic);
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Looking a missing topic up must not create it.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "featurex-similar");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "featurex-similar-follower");
        this.thread.setDaemon(true);
    }

    public IndexFollower start() {
        started = true;
        thread.start();
        return this;
    }

    /**
     * @return true once caught up; false when the timeout passed first
     * @throws IllegalStateException when the follower failed (topic missing, broker unreachable, ...)
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            throwIfFailed();
            if (caughtUp.await(100, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        throwIfFailed();
        return caughtUp.getCount() == 0;
    }

    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Records read so far, of every kind. */
    public long records() {
        return records.get();
    }

    /** Records whose value is not a FeatureVector. */
    public long unparseable() {
        return unparseable.get();
    }

    public String topic() {
        return topic;
    }

    /** The offsets a persistent index resumed from (partition -> next offset); empty when read from the beginning. */
    public Map<Integer, Long> resumedFrom() {
        return resumed;
    }

    public Throwable failure() {
        return failure.get();
    }

    private void throwIfFailed() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("reading " + topic + " failed: " + t.getMessage(), t);
        }
    }

    private void run() {
        try {
            assigned = assignNewPartitions(Set.of());
            Map<TopicPartition, Long> target = consumer.endOffsets(assigned);
            long nextRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
            long nextCommit = nextCommit();
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0 && reached(target)) {
                    commit();
                    log.info(
                            "caught up with {}: {} vectors indexed from {} records{}",
                            topic,
                            index.size(),
                            records.get(),
                            resumed.isEmpty() ? "" : " (resumed from the offsets committed with the index)");
                    caughtUp.countDown();
                    // A backlog is flushed in many segments, each its own graph that every query
                    // searches: merged into one in the background, while queries go on.
                    index.compact(false);
                    nextCommit = nextCommit();
                }
                if (System.nanoTime() > nextCommit) {
                    commit();
                    nextCommit = nextCommit();
                }
                if (System.nanoTime() > nextRefresh) {
                    // Partitions added to the topic later are read from their beginning too.
                    assigned = assignNewPartitions(assigned);
                    nextRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
                }
            }
            commit();
        } catch (WakeupException e) {
            if (stopping) {
                commitOnStop();
            } else {
                failure.set(e);
            }
        } catch (Throwable t) {
            log.error("following {} failed: {}", topic, t.toString(), t);
            failure.set(t);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private long nextCommit() {
        return commitEveryNanos == 0 ? Long.MAX_VALUE : System.nanoTime() + commitEveryNanos;
    }

    /** A wakeup interrupts a poll, never an apply: what the positions say was read, was applied. */
    private void commitOnStop() {
        try {
            commit();
        } catch (RuntimeException e) {
            log.warn(
                    "committing the index on close failed ({}); the next start reads again from the last commit",
                    e.toString());
        }
    }

    /**
     * Also for an index that keeps nothing: on catching up this is what makes everything read
     * searchable at once (an HNSW reader is refreshed with it).
     */
    private void commit() {
        if (assigned.isEmpty()) {
            return;
        }
        Map<Integer, Long> offsets = new HashMap<>();
        for (TopicPartition tp : assigned) {
            offsets.put(tp.partition(), consumer.position(tp));
        }
        index.commit(topic, offsets);
        log.debug("committed the index with offsets {}", offsets);
    }

    private Set<TopicPartition> assignNewPartitions(Set<TopicPartition> current) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (or this client may not describe it)");
        }
        List<TopicPartition> all = new ArrayList<>();
        List<TopicPartition> added = new ArrayList<>();
        for (PartitionInfo p : infos) {
            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
            all.add(tp);
            if (!current.contains(tp)) {
                added.add(tp);
            }
        }
        if (!added.isEmpty()) {
            consumer.assign(all);
            List<TopicPartition> fromBeginning = new ArrayList<>();
            for (TopicPartition tp : added) {
                Long next = resumed.get(tp.partition());
                if (next == null) {
                    fromBeginning.add(tp);
                } else {
                    consumer.seek(tp, next);
                }
            }
            if (!fromBeginning.isEmpty()) {
                consumer.seekToBeginning(fromBeginning);
            }
        }
        return Set.copyOf(all);
    }

    private boolean reached(Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        records.incrementAndGet();
        if (record.value() == null) {
            if (record.key() != null) {
                index.remove(new String(record.key(), StandardCharsets.UTF_8));
            }
            return;
        }
        FeatureVector v;
        try {
            v = FeatureVector.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            if (unparseable.incrementAndGet() == 1) {
                log.warn(
                        "skipping a record that is not a FeatureVector ({}-{} offset {}); further ones are only counted",
                        record.topic(),
                        record.partition(),
                        record.offset());
            }
            return;
        }
        index.accept(v);
    }

    @Override
    public void close() {
        stopping = true;
        if (!started) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
