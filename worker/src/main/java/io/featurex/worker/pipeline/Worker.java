package io.featurex.worker.pipeline;

import io.featurex.worker.batch.Batch;
import io.featurex.worker.batch.BatchPolicy;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.config.Delivery;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.fetch.Fetcher;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.InferenceException;
import io.featurex.worker.kafka.KafkaClients;
import io.featurex.worker.kafka.TopicLimits;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.sink.AtLeastOncePublisher;
import io.featurex.worker.sink.FatalPublishException;
import io.featurex.worker.sink.Output;
import io.featurex.worker.sink.OutputLimits;
import io.featurex.worker.sink.OutputRecords;
import io.featurex.worker.sink.Publisher;
import io.featurex.worker.sink.RetriablePublishException;
import io.featurex.worker.sink.TransactionalPublisher;
import io.featurex.worker.source.Backpressure;
import io.featurex.worker.source.ImageOutcome;
import io.featurex.worker.source.InputRecord;
import io.featurex.worker.source.LagTracker;
import io.featurex.worker.source.OffsetLedger;
import io.featurex.worker.source.RecordEntries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: a loop thread that owns the Kafka clients and all bookkeeping, fetches in flight of
 * their own, a decode pool, and one inference thread. The loop reads as its phases: poll, run what
 * the stages handed back, dispatch a batch to the model, publish the records that are complete,
 * apply backpressure. While a batch is in the model the next images are being fetched and decoded
 * and the records finished before it are published.
 *
 * <p>The loop never blocks on the model, the decoders or the fetches: they hand their results
 * back as tasks for the loop and wake it ({@link KafkaConsumer#wakeup()}); when too much is open
 * it pauses the partitions over their share and keeps polling, so a slow model never causes a
 * rebalance.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final long MAX_POLL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int MAX_CONSECUTIVE_PUBLISH_FAILURES = 10;
    private static final Duration LIMITS_TIMEOUT = Duration.ofSeconds(30);
    /** Before any fetch has finished, one under way counts as a large-ish photo: a backlog of 4000x3000 JPEGs must not start hundreds at once. */
    private static final long FIRST_FETCH_GUESS = 1 << 20;

    private final WorkerConfig config;
    private final FeatureExtractor extractor;
    private final WorkerMetrics metrics;
    private final Health health;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Publisher publisher;
    private final OutputRecords outputs;
    private final BatchPolicy policy;
    private final Backpressure backpressure;
    private final RecordEntries entries;
    private final OffsetLedger ledger = new OffsetLedger();
    private final ExecutorService decodePool;
    private final ExecutorService inferenceThread;
    /** Exactly-once transactions run here; at-least-once publishes on the loop (it commits through the consumer). */
    private final Executor publishThread;
    private final Fetcher fetcher;
    private final Feed feed;
    private final LagTracker lag;
    /** What the stages hand back, run on the loop thread in the order it came. */
    private final ConcurrentLinkedQueue<Runnable> handedBack = new ConcurrentLinkedQueue<>();
    /** An error no input explains (out of memory in a decode thread, say): the loop rethrows it. */
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();

    private volatile boolean stopRequested;
    private boolean closed;
    private Inference inference;
    private Publish publishing;
    private int consecutivePublishFailures;

    /** A publish in flight: what it takes out of the ledger, its outputs, and its outcome to come. */
    private record Publish(OffsetLedger.Committable committable, BatchOutputs batch, CompletableFuture<Published> result) {}

    /** A publish done: the outputs as published (replacements included) and how long it took. */
    private record Published(List<Output> outputs, long nanos) {}

    /** A batch in the model: its images, and the vectors to come. */
    private record Inference(Batch<ImageTask> batch, CompletableFuture<float[][]> vectors, long startedNanos) {}

    public Worker(WorkerConfig config, FeatureExtractor extractor, WorkerMetrics metrics, Health health) {
        this.config = config;
        this.extractor = extractor;
        this.metrics = metrics;
        this.health = health;
        this.policy = new BatchPolicy(config.batchMaxSize().resolved(), config.batchMaxDelay().toNanos());
        this.backpressure = new Backpressure(config.maxInFlight());
        this.entries = new RecordEntries(config.maxImagesPerRecord());
        String decodeIdentity = config.decode().identity(extractor.info().preprocessing());
        OutputLimits limits = readLimits(config, extractor.info().dimension());
        this.outputs = new OutputRecords(limits.features(), limits.deadLetters(), config.deadLetterMaxOriginalBytes(),
                config.workerId(), extractor.info(), decodeIdentity);
        this.consumer = new KafkaConsumer<>(KafkaClients.consumer(config));
        try {
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
            this.publisher = config.delivery() == Delivery.EXACTLY_ONCE
                    ? new TransactionalPublisher(producer, outputs::refused)
                    : new AtLeastOncePublisher(producer, this::commitSync, outputs::refused);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.decodePool = Executors.newFixedThreadPool(config.decodeThreads(), named("featurex-decode"));
        this.inferenceThread = Executors.newSingleThreadExecutor(named("featurex-infer"));
        this.publishThread = config.delivery() == Delivery.EXACTLY_ONCE
                ? Executors.newSingleThreadExecutor(named("featurex-publish"))
                : Runnable::run;
        this.fetcher = new Fetcher(config.fetchLimits(), config.s3(), config.fetchConcurrency());
        int batch = policy.maxSize();
        ImageDecoder decoder = config.decode().decoderFor(extractor.info().preprocessing(), extractor.info().inputSize());
        log.info("decoding {}", decoder.describe());
        this.feed = new Feed(fetcher::fetch, decoder::decode, decodePool, this::handBack,
                new Feed.Limits(config.fetchConcurrency(), config.fetchBytesInFlight(), 2 * batch + config.decodeThreads(), FIRST_FETCH_GUESS),
                metrics, this::fail);
        this.lag = new LagTracker(consumer, metrics);
        metrics.model(extractor.info(), decodeIdentity, decoder.decoders());
        metrics.batchMaxSize(policy.maxSize(), config.batchMaxSize().measured());
    }

    /** The topics' record limits against the settings that size outputs: every mismatch at once. */
    private static OutputLimits readLimits(WorkerConfig config, int dimension) {
        List<String> topics = new ArrayList<>(config.inputs().names());
        topics.add(config.outputTopic());
        topics.add(config.deadLetterTopic());
        try (Admin admin = Admin.create(KafkaClients.admin(config))) {
            return OutputLimits.check(config, TopicLimits.maxMessageBytes(admin, topics, LIMITS_TIMEOUT), dimension);
        }
    }

    /** Runs until {@link #stop()} (then drains) or a fatal error (then throws). */
    public void run() {
        consumer.subscribe(config.inputs().names(), new Rebalance());
        health.set(Health.State.RUNNING, "consuming " + config.inputs());
        log.info("worker {} consuming {} in group {} ({}), model {}", config.workerId(), config.inputs(),
                config.groupId(), config.delivery().key(), extractor.info().summary());
        try {
            long waitNanos = MAX_POLL_WAIT_NANOS;
            while (!stopRequested) {
                pollPhase(waitNanos);
                handedBackPhase();
                collectPhase();
                waitNanos = dispatchPhase();
                publishPhase();
                backpressurePhase();
                lag.maybeReport();
            }
            drain();
            health.set(Health.State.STOPPED, "stopped");
        } catch (RuntimeException | Error e) {
            health.set(Health.State.FAILED, e.toString());
            throw e;
        }
    }

    /** Asks the loop to stop; it finishes the batch in the model, commits what is complete and returns. */
    public void stop() {
        stopRequested = true;
        wakeLoop();
    }

    /** Called from the stages' threads: the task runs on the loop thread, whose poll returns at once. */
    private void handBack(Runnable task) {
        handedBack.add(task);
        wakeLoop();
    }

    private void fail(Throwable error) {
        fatal.compareAndSet(null, error);
        wakeLoop();
    }

    private void wakeLoop() {
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            // The consumer is already closed: there is no loop left to wake.
        }
    }

    private void pollPhase(long waitNanos) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(Duration.ofNanos(Math.max(0, Math.min(waitNanos, MAX_POLL_WAIT_NANOS))));
        } catch (WakeupException e) {
            return; // a stage finished, or stop(): look again
        }
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            lag.read(partition, record.offset());
            InputRecord read = ledger.read(record, entries.of(record, config.inputs().formatOf(record.topic()).format()), now);
            feed.add(read);
        }
        feed.advance();
    }

    /** Runs what the stages handed back: fetched bytes, decoded pixels, failed images. */
    private void handedBackPhase() {
        for (Runnable task; (task = handedBack.poll()) != null; ) {
            task.run();
        }
        Throwable error = fatal.get();
        if (error != null) {
            if (error instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("a pipeline stage failed: " + error, error);
        }
    }

    /** The model's vectors go to their images' records. */
    private void collectPhase() {
        if (inference == null || !inference.vectors().isDone()) {
            return;
        }
        Inference done = inference;
        inference = null;
        float[][] vectors;
        try {
            vectors = done.vectors().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof InferenceException ie ? ie : new InferenceException("inference failed", cause);
        }
        metrics.batch(done.batch().items().size(), (System.nanoTime() - done.startedNanos()) / 1e9);
        done.batch().forEachVector(vectors, (task, vector) -> {
            if (!task.stale()) {
                task.record.complete(task.index, new ImageOutcome.Feature(vector));
            }
        });
        feed.leftModel(done.batch().items().size());
    }

    /** @return how long the loop may wait before the batch policy wants to be asked again */
    private long dispatchPhase() {
        long now = System.nanoTime();
        int ready = feed.decodedCount();
        BatchPolicy.Decision decision = policy.decide(ready, ready == 0 ? 0 : now - feed.oldestDecodedNanos(), inference == null);
        if (!decision.send()) {
            return decision.waitNanos();
        }
        List<ImageTask> tasks = feed.takeDecoded(decision.images());
        if (tasks.isEmpty()) {
            return 0;
        }
        List<float[]> pixels = new ArrayList<>(tasks.size());
        for (ImageTask task : tasks) {
            metrics.stage(WorkerMetrics.Stage.QUEUE, (now - task.decodedNanos) / 1e9);
            pixels.add(task.pixels);
            task.pixels = null; // the batch holds them now, and only until the model is done
        }
        Batch<ImageTask> batch = new Batch<>(tasks, new PixelBatch(pixels, extractor.info().inputSize()));
        CompletableFuture<float[][]> vectors = CompletableFuture.supplyAsync(() -> extractor.extract(batch.pixels()), inferenceThread);
        vectors.whenComplete((result, error) -> wakeLoop());
        inference = new Inference(batch, vectors, now);
        return 0;
    }

    /**
     * Publishes the records complete at the head of their partitions, with their offsets, in one
     * transaction, on the publish thread: the loop goes on feeding the model meanwhile. One publish
     * at a time, so a partition's transactions commit in offset order; what completes during one
     * goes into the next, so transactions grow with the rate instead of queueing up.
     */
    private void publishPhase() {
        if (publishing != null) {
            if (!publishing.result().isDone()) {
                return;
            }
            finishPublish();
        }
        OffsetLedger.Committable committable = ledger.takeCommittable();
        if (committable.isEmpty()) {
            return;
        }
        BatchOutputs batch = BatchOutputs.of(committable.records(), outputs, Instant.now());
        ConsumerGroupMetadata group = consumer.groupMetadata(); // on the loop: the consumer is not thread-safe
        CompletableFuture<Published> result = CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            List<Output> published = publisher.publish(batch.records(), committable.offsets(), group);
            return new Published(published, System.nanoTime() - started);
        }, publishThread);
        result.whenComplete((done, error) -> wakeLoop());
        publishing = new Publish(committable, batch, result);
        if (result.isDone()) {
            finishPublish(); // at-least-once publishes on the loop itself: it commits through the consumer
        }
    }

    /** The publish in flight is done: count what went out, or rewind to redo it. */
    private void finishPublish() {
        Publish done = publishing;
        publishing = null;
        Published published;
        try {
            published = done.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RetriablePublishException retriable) {
                consecutivePublishFailures++;
                if (consecutivePublishFailures >= MAX_CONSECUTIVE_PUBLISH_FAILURES) {
                    throw new FatalPublishException(consecutivePublishFailures + " publish attempts in a row failed", retriable);
                }
                log.warn("publish failed, rewinding {} to redo its records: {}", done.committable().firstOffsets().keySet(),
                        retriable.getMessage());
                rewind(done.committable().firstOffsets());
                return;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        consecutivePublishFailures = 0;
        lag.committed(done.committable().offsets());
        metrics.stage(WorkerMetrics.Stage.PUBLISH, published.nanos() / 1e9);
        for (Output output : published.outputs()) {
            if (output.isFeature()) {
                metrics.features(1);
            } else {
                metrics.deadLetter(output.code().name());
            }
        }
        long nowMillis = System.currentTimeMillis();
        for (long timestamp : done.batch().recordTimestamps()) {
            metrics.endToEnd(Math.max(0, nowMillis - timestamp) / 1e3);
        }
    }

    /** Waits for the publish in flight, if any, and takes its result (before a rebalance moves its partitions, say). */
    private void awaitPublish() {
        if (publishing != null) {
            try {
                publishing.result().get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // finishPublish reads the failure
            } catch (TimeoutException e) {
                log.warn("publish in flight did not finish within {}", config.shutdownTimeout());
                return;
            }
            finishPublish();
        }
    }

    /** After an aborted publish: read the records' partitions again from the first offset not published. */
    private void rewind(Map<TopicPartition, Long> firstOffsets) {
        ledger.rewound(firstOffsets.keySet());
        feed.dropStale();
        Set<TopicPartition> assigned = consumer.assignment();
        firstOffsets.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    private void backpressurePhase() {
        Backpressure.Decision decision = backpressure.decide(ledger.imagesByPartition(), consumer.paused());
        if (!decision.pause().isEmpty()) {
            consumer.pause(decision.pause());
        }
        if (!decision.resume().isEmpty()) {
            consumer.resume(decision.resume());
        }
        metrics.inFlight(ledger.images());
        metrics.paused(consumer.paused().size());
        feed.report();
    }

    /** Finishes the batch in the model and publishes what is complete; the rest is left to be redone. */
    private void drain() {
        health.set(Health.State.DRAINING, "finishing the batch in the model");
        if (inference != null) {
            try {
                inference.vectors().get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
                handedBackPhase();
                collectPhase();
            } catch (TimeoutException e) {
                log.warn("in-flight batch did not finish within {}; it will be redone by the next owner", config.shutdownTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                log.warn("in-flight batch failed while draining: {}", e.getCause().toString());
                inference = null; // its records are left to be redone
            }
        }
        awaitPublish();
        publishPhase();
        awaitPublish();
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        while (true) {
            try {
                consumer.commitSync(offsets);
                return;
            } catch (WakeupException e) {
                // A stage finished while we were committing; that news is not lost, the loop looks anyway.
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        decodePool.shutdownNow();
        inferenceThread.shutdownNow();
        try {
            // The model is closed after this returns: a batch still running on it must end first
            // (native code on a closed model crashes the JVM).
            if (!inferenceThread.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the batch in the model did not end within {}", config.shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publishThread instanceof ExecutorService publishing) {
            publishing.shutdownNow();
        }
        fetcher.close();
        try {
            publisher.close();
        } finally {
            CloseOptions closing = CloseOptions.timeout(Duration.ofSeconds(5));
            try {
                consumer.close(closing);
            } catch (WakeupException e) {
                consumer.close(closing); // a stage's late wake-up call; the second close goes through
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("partitions revoked: {}", partitions);
            }
            forget(partitions);
        }

        /** Lost, not handed over (this member was kicked out): its uncommitted work is redone elsewhere all the same. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("partitions lost: {}", partitions);
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            // A transaction in flight may hold these partitions' offsets: let it end first, so the
            // next owner starts from what it committed, or rewinds to redo it.
            awaitPublish();
            ledger.revoked(partitions);
            feed.dropStale();
            lag.revoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("partitions assigned: {}", partitions);
            }
            ledger.assigned(partitions);
            lag.assigned(new HashSet<>(partitions));
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
