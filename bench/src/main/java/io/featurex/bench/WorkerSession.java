package io.featurex.bench;

import io.featurex.topics.TopicSetup;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.worker.infer.Vectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One worker process on its own topics of the real broker, measured in waves: each wave
 * produces a number of image refs and reads their outputs back ({@code read_committed}), timed by
 * the outputs' record timestamps. The worker stays up between waves, so start-up is paid once
 * and the waves of different workers can be interleaved. The same procedure for featurex and the
 * Python peers.
 */
final class WorkerSession implements AutoCloseable {

    static final int PARTITIONS = 6;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

    /** What a finished session leaves: the worker's peak memory, its metrics, one vector per image. */
    record Summary(
            long peakRssBytes, Optional<PrometheusText> metrics, Map<String, float[]> vectors, double activeSeconds) {}

    private final String bootstrapServers;
    private final long brokerPid;
    private final WorkerLaunch launch;
    private final Topics topics;
    private final Path log;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, float[]> vectors = new LinkedHashMap<>();
    private Process process;
    private PeakRssSampler rss;
    private Optional<String> broken = Optional.empty();
    private int produced;
    private double activeSeconds;

    private WorkerSession(String bootstrapServers, long brokerPid, WorkerLaunch launch, Topics topics, Path log) {
        this.bootstrapServers = bootstrapServers;
        this.brokerPid = brokerPid;
        this.launch = launch;
        this.topics = topics;
        this.log = log;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        Map<String, Object> consumer = new HashMap<>();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.reader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Fresh topics for {@code name}, ready (every partition answers), and a reader on the outputs; no process yet. */
    static WorkerSession open(BrokerProcess broker, Path logDir, String name, WorkerLaunch launch) {
        WorkerSession s = new WorkerSession(
                broker.bootstrapServers(), broker.pid(), launch, Topics.fresh(name), logDir.resolve(name + ".log"));
        try {
            TopicSetup.ensureTopics(
                    s.admin,
                    List.of(
                            new NewTopic(s.topics.input(), PARTITIONS, (short) 1),
                            new NewTopic(s.topics.output(), PARTITIONS, (short) 1),
                            new NewTopic(s.topics.deadLetters(), PARTITIONS, (short) 1)),
                    Duration.ofSeconds(60));
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(s.topics.output(), p));
                partitions.add(new TopicPartition(s.topics.deadLetters(), p));
            }
            s.reader.assign(partitions);
            s.reader.seekToBeginning(partitions);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    String label() {
        return launch.label();
    }

    /** Starts the worker process (its output goes to the session's log). */
    void start() throws IOException {
        process = Children.register(new ProcessBuilder(launch.command().apply(topics))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start());
        rss = PeakRssSampler.start(process);
    }

    /** Until the worker's group is stable with every input partition assigned: it is polling. */
    void awaitConsuming() throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        "worker exited with " + process.exitValue() + " before joining its group (see " + log + ")");
            }
            try {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(topics.group()))
                        .all()
                        .get(10, TimeUnit.SECONDS)
                        .get(topics.group());
                int assigned = 0;
                for (MemberDescription m : d.members()) {
                    assigned += m.assignment().topicPartitions().size();
                }
                if (d.groupState() == GroupState.STABLE && assigned == PARTITIONS) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // the group is not known yet: keep asking
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            sleep(200);
        }
        throw new IOException(
                "worker did not join group " + topics.group() + " within " + READY_TIMEOUT + " (see " + log + ")");
    }

    /** Produces {@code refs} refs cycling through the set; returns when the first was sent (epoch ms). */
    long produce(ImageSet set, int refs) {
        return produce(set, refs, file -> file.toUri().toString());
    }

    /** The same, each file named by {@code uri} (an http URI of the bench's server, say). */
    long produce(ImageSet set, int refs, Function<Path, String> uri) {
        long first = System.currentTimeMillis();
        for (int i = 0; i < refs; i++) {
            Path file = set.file(i);
            String id = String.format("%07d-%s", produced++, file.getFileName());
            ImageRef ref =
                    ImageRef.newBuilder().setId(id).setUri(uri.apply(file)).build();
            producer.send(new ProducerRecord<>(topics.input(), id.getBytes(StandardCharsets.UTF_8), ref.toByteArray()));
        }
        producer.flush();
        return first;
    }

    /** One wave: {@code refs} refs produced now, timed until their outputs are all read. */
    RunResult wave(ImageSet set, int refs) {
        if (broken.isPresent()) {
            return failed(set, refs, broken.get());
        }
        Optional<PrometheusText> before = scrape();
        HostLoad.Snapshot load = snapshot();
        long first = produce(set, refs);
        return collect(set, refs, first, load, before);
    }

    /** The worker's /metrics now, when it serves them. */
    Optional<PrometheusText> scrape() {
        return launch.metricsPort() >= 0 ? PrometheusText.scrape(launch.metricsPort()) : Optional.empty();
    }

    /** Reads {@code expected} more outputs (features or dead letters). */
    RunResult collect(
            ImageSet set,
            int expected,
            long firstProduced,
            HostLoad.Snapshot load,
            Optional<PrometheusText> metricsBefore) {
        List<Long> times = new ArrayList<>();
        int deadLetters = 0;
        long lastProgress = System.nanoTime();
        try {
            while (times.size() < expected) {
                int before = times.size();
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    times.add(record.timestamp());
                    if (record.topic().equals(topics.deadLetters())) {
                        deadLetters++;
                    } else {
                        FeatureVector v = FeatureVector.parseFrom(record.value());
                        vectors.computeIfAbsent(v.getSourceUri(), uri -> Vectors.of(v));
                    }
                }
                if (times.size() > before) {
                    lastProgress = System.nanoTime();
                } else if (!process.isAlive()) {
                    throw new IOException("worker exited with " + process.exitValue() + " after " + times.size()
                            + " of " + expected + " outputs (see " + log + ")");
                } else if (System.nanoTime() - lastProgress > IDLE_TIMEOUT.toNanos()) {
                    throw new IOException("no output for " + IDLE_TIMEOUT + " after " + times.size() + " of " + expected
                            + " (see " + log + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            broken = Optional.of(e.getMessage());
            return failed(set, expected, e.getMessage());
        }
        HostLoad.Snapshot end = snapshot();
        double foreign = HostLoad.foreignCores(load, end);
        RunResult.CpuSplit cpu = new RunResult.CpuSplit(
                HostLoad.cores(load, end, 0), HostLoad.cores(load, end, 1), HostLoad.cores(load, end, 2));
        // A worker facing a backlog keeps publishing: the first {@code expected} outputs read are the wave's.
        OutputTimeline timeline = new OutputTimeline(
                firstProduced,
                times.subList(0, expected).stream().mapToLong(Long::longValue).toArray());
        activeSeconds += timeline.fromProduceSeconds();
        Optional<PrometheusText> after = scrape();
        Optional<StageBreakdown> stages =
                after.map(a -> StageBreakdown.between(metricsBefore.orElse(PrometheusText.parse("")), a));
        return new RunResult(
                launch.label(),
                set.name(),
                expected,
                timeline,
                deadLetters,
                foreign,
                cpu,
                stages,
                after,
                Optional.empty(),
                Optional.empty());
    }

    private RunResult failed(ImageSet set, int expected, String why) {
        return new RunResult(
                launch.label(),
                set.name(),
                expected,
                new OutputTimeline(0, new long[0]),
                0,
                Double.NaN,
                RunResult.CpuSplit.UNKNOWN,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(why));
    }

    /** Host counters plus the worker's, the broker's and this process's own CPU time. */
    HostLoad.Snapshot snapshot() {
        return HostLoad.now(process == null ? -1 : process.pid(), brokerPid, ProcessMemory.ownPid());
    }

    /** Scrapes the worker's metrics, reads its peak memory, and stops it (SIGTERM). */
    Summary finish() {
        Optional<PrometheusText> metrics = scrape();
        long peak = -1;
        if (process != null) {
            peak = rss.lastPeak();
            Children.stop(process, Duration.ofSeconds(30));
            rss.stop();
        }
        return new Summary(peak, metrics, Map.copyOf(vectors), activeSeconds);
    }

    @Override
    public void close() {
        if (process != null) {
            Children.stop(process, Duration.ofSeconds(30));
        }
        if (rss != null) {
            rss.stop();
        }
        producer.close(Duration.ofSeconds(5));
        reader.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        admin.close(Duration.ofSeconds(5));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
