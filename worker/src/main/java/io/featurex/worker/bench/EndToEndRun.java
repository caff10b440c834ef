package io.featurex.worker.bench;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.worker.kafka.TopicSetup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
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
 * One worker, one image set, fresh topics on the real broker: the worker is started and given
 * time to join its group; then the image refs are produced (or, for a backlog, produced before it
 * starts); its outputs are read back ({@code read_committed}) until the expected count, and timed
 * by their record timestamps. The same procedure for featurex and for the Python peers.
 */
final class EndToEndRun {

    static final int PARTITIONS = 6;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

    private final String bootstrapServers;
    private final Path logDir;

    EndToEndRun(String bootstrapServers, Path logDir) {
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /** Refs produced once the worker is consuming; the run ends after all their outputs. */
    RunResult live(String runName, WorkerLaunch launch, ImageSet images, int refs) {
        return run(runName, launch, images, refs, refs, false);
    }

    /** {@code backlog} refs produced before the worker starts; the run ends after {@code outputs} outputs. */
    RunResult backlog(String runName, WorkerLaunch launch, ImageSet images, int backlog, int outputs) {
        return run(runName, launch, images, backlog, outputs, true);
    }

    private RunResult run(String runName, WorkerLaunch launch, ImageSet images, int refs, int expected, boolean backlog) {
        Topics topics = Topics.fresh(runName);
        Path log = logDir.resolve(runName + ".log");
        Map<String, Object> adminProps = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Process worker = null;
        AtomicLong peak = new AtomicLong(-1);
        Thread sampler = null;
        try (Admin admin = Admin.create(adminProps); KafkaConsumer<byte[], byte[]> reader = reader(topics)) {
            TopicSetup.ensureTopics(admin, List.of(
                    new NewTopic(topics.input(), PARTITIONS, (short) 1),
                    new NewTopic(topics.output(), PARTITIONS, (short) 1),
                    new NewTopic(topics.deadLetters(), PARTITIONS, (short) 1)), Duration.ofSeconds(60));
            long produced = backlog ? produce(topics, images, refs) : 0;
            worker = Children.register(new ProcessBuilder(launch.command().apply(topics))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start());
            sampler = startSampler(worker, peak);
            if (!backlog) {
                awaitConsuming(admin, topics.group(), worker, log);
                produced = produce(topics, images, refs);
            }
            HostLoad.Snapshot load = HostLoad.now();
            Collected collected = collect(reader, topics, worker, launch, expected, log);
            double foreign = HostLoad.foreignCores(load, HostLoad.now());
            Optional<PrometheusText> metrics = launch.metricsPort() >= 0 ? scrape(launch.metricsPort()) : Optional.empty();
            peak.accumulateAndGet(ProcessMemory.peakBytes(worker.pid()), Math::max);
            stop(worker, launch);
            peak.accumulateAndGet(peakFromSummary(log), Math::max);
            return new RunResult(launch.label(), images.name(), expected,
                    new OutputTimeline(produced, collected.timestamps()), collected.deadLetters, peak.get(),
                    collected.vectors, metrics, foreign, collected.failure);
        } catch (IOException | RuntimeException e) {
            return new RunResult(launch.label(), images.name(), expected, new OutputTimeline(0, new long[0]), 0,
                    peak.get(), Map.of(), Optional.empty(), Double.NaN, Optional.of(e + " (see " + log + ")"));
        } finally {
            if (worker != null) {
                Children.stop(worker, Duration.ofSeconds(30));
            }
            if (sampler != null) {
                sampler.interrupt();
            }
        }
    }

    /** Produces refs to the input topic, cycling through the image set; returns when the first was sent. */
    private long produce(Topics topics, ImageSet images, int refs) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long first = System.currentTimeMillis();
            for (int i = 0; i < refs; i++) {
                Path file = images.file(i);
                String id = String.format("%06d-%s", i, file.getFileName());
                ImageRef ref = ImageRef.newBuilder().setId(id).setUri(file.toUri().toString()).build();
                producer.send(new ProducerRecord<>(topics.input(), id.getBytes(StandardCharsets.UTF_8), ref.toByteArray()));
            }
            producer.flush();
            return first;
        }
    }

    /** The group is stable and every input partition is assigned: the worker is polling. */
    private static void awaitConsuming(Admin admin, String group, Process worker, Path log) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new IOException("worker exited with " + worker.exitValue() + " before joining its group");
            }
            try {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                        .get(10, TimeUnit.SECONDS).get(group);
                int assigned = 0;
                for (MemberDescription m : d.members()) {
                    assigned += m.assignment().topicPartitions().size();
                }
                if (d.groupState() == GroupState.STABLE && assigned == PARTITIONS) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // group not known yet: keep asking
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            sleep(200);
        }
        throw new IOException("worker did not join group " + group + " within " + READY_TIMEOUT);
    }

    private record Collected(List<Long> times, int deadLetters, Map<String, float[]> vectors, Optional<String> failure) {
        long[] timestamps() {
            return times.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private KafkaConsumer<byte[], byte[]> reader(Topics topics) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Collected collect(KafkaConsumer<byte[], byte[]> reader, Topics topics, Process worker,
            WorkerLaunch launch, int expected, Path log) throws IOException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topics.output(), p));
            partitions.add(new TopicPartition(topics.deadLetters(), p));
        }
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        List<Long> times = new ArrayList<>();
        Map<String, float[]> vectors = new LinkedHashMap<>();
        int deadLetters = 0;
        long lastProgress = System.nanoTime();
        while (times.size() < expected) {
            int before = times.size();
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                times.add(record.timestamp());
                if (record.topic().equals(topics.deadLetters())) {
                    deadLetters++;
                } else {
                    FeatureVector v = FeatureVector.parseFrom(record.value());
                    vectors.computeIfAbsent(v.getSourceUri(), uri -> values(v));
                }
            }
            if (times.size() > before) {
                lastProgress = System.nanoTime();
            } else if (!worker.isAlive() && !(launch.exitsByItself() && worker.exitValue() == 0)) {
                return new Collected(times, deadLetters, vectors,
                        Optional.of("worker exited with " + worker.exitValue() + " after " + times.size() + " of " + expected + " outputs"));
            } else if (System.nanoTime() - lastProgress > IDLE_TIMEOUT.toNanos()) {
                return new Collected(times, deadLetters, vectors,
                        Optional.of("no output for " + IDLE_TIMEOUT + " after " + times.size() + " of " + expected));
            }
        }
        return new Collected(times.subList(0, expected), deadLetters, vectors, Optional.empty());
    }

    private static float[] values(FeatureVector v) {
        float[] out = new float[v.getValuesCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.getValues(i);
        }
        return out;
    }

    private static void stop(Process worker, WorkerLaunch launch) {
        if (launch.exitsByItself()) {
            Children.awaitExit(worker, Duration.ofSeconds(30));
        } else {
            Children.stop(worker, Duration.ofSeconds(30));
        }
    }

    /** The peak the worker's own JSON summary reports (the Python peers print one), or -1. */
    private static long peakFromSummary(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).strip();
                if (line.startsWith("{") && line.contains("peak_rss_bytes")) {
                    double v = FlatJson.number(FlatJson.parse(line), "peak_rss_bytes");
                    return Double.isFinite(v) ? (long) v : -1;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no summary
        }
        return -1;
    }

    /** Samples the worker's VmHWM while it lives (it may exit by itself before the bench looks). */
    private static Thread startSampler(Process worker, AtomicLong peak) {
        Thread t = new Thread(() -> {
            while (worker.isAlive() && !Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(ProcessMemory.peakBytes(worker.pid()), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "featurex-bench-rss");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static Optional<PrometheusText> scrape(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(PrometheusText.parse(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
