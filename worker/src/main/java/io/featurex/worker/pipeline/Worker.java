package io.featurex.worker.pipeline;

import io.featurex.worker.batch.BatchPolicy;
import io.featurex.worker.config.Delivery;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.sink.AtLeastOncePublisher;
import io.featurex.worker.sink.FatalPublishException;
import io.featurex.worker.sink.Output;
import io.featurex.worker.sink.OutputRecords;
import io.featurex.worker.sink.Publisher;
import io.featurex.worker.sink.Publishing;
import io.featurex.worker.sink.TransactionalPublisher;
import io.featurex.worker.source.InputRecord;
import io.featurex.worker.source.InputSource;
import io.featurex.worker.source.OffsetLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: a loop thread that owns the input ({@link InputSource}), fetches in flight of their
 * own and a decode pool ({@link Feed}), the model on its own thread ({@link ModelStage}) and the
 * transactions on theirs ({@link Publishing}). The loop reads as its phases: poll, run what the
 * stages handed back, collect the model's vectors, dispatch the next batch, publish the records
 * that are complete, apply backpressure. While a batch is in the model the next images are being
 * fetched and decoded and the records finished before it are published.
 *
 * <p>The loop never blocks on a stage: the stages hand their results back as tasks for the loop
 * and wake it, and when too much is open the partitions over their share pause while the loop
 * keeps polling, so a slow model never causes a rebalance.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final long MAX_POLL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int MAX_CONSECUTIVE_PUBLISH_FAILURES = 10;
    /** Before any fetch has finished, one under way counts as a large-ish photo: a backlog of 4000x3000 JPEGs must not start hundreds at once. */
    private static final long FIRST_FETCH_GUESS = 1 << 20;

    private final WorkerConfig config;
    private final FeatureExtractor extractor;
    private final WorkerMetrics metrics;
    private final Health health;
    private final WorkerParts parts;
    private final InputSource source;
    private final OutputRecords outputs;
    private final BatchPolicy policy;
    private final ExecutorService decodePool;
    private final Feed feed;
    private final ModelStage model;
    private final Publishing<Taken> publishing;
    /** What the stages hand back, run on the loop thread in the order it came. */
    private final ConcurrentLinkedQueue<Runnable> handedBack = new ConcurrentLinkedQueue<>();
    /** An error no input explains (out of memory in a decode thread, say): the loop rethrows it. */
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();

    private volatile boolean stopRequested;
    private boolean closed;
    private int consecutivePublishFailures;

    /** What one publish takes out of the ledger, and the end-to-end timestamps of its outputs. */
    private record Taken(OffsetLedger.Committable committable, long[] recordTimestamps) {}

    /** A worker on the real clients and stages ({@link WorkerParts#connect}). */
    public Worker(WorkerConfig config, FeatureExtractor extractor, WorkerMetrics metrics, Health health) {
        this(config, extractor, metrics, health, WorkerParts.connect(config, extractor.info()));
    }

    Worker(WorkerConfig config, FeatureExtractor extractor, WorkerMetrics metrics, Health health, WorkerParts parts) {
        this.config = config;
        this.extractor = extractor;
        this.metrics = metrics;
        this.health = health;
        this.parts = parts;
        this.policy = new BatchPolicy(config.batchMaxSize().resolved(), config.batchMaxDelay().toNanos());
        String decodeIdentity = config.decode().identity(extractor.info().preprocessing());
        this.outputs = new OutputRecords(parts.limits().features(), parts.limits().deadLetters(), config.deadLetterMaxOriginalBytes(),
                config.workerId(), extractor.info(), decodeIdentity);
        this.source = new InputSource(parts.consumer(), config.inputs(), config.maxImagesPerRecord(), config.maxInFlight(), metrics);
        boolean transactions = config.delivery() == Delivery.EXACTLY_ONCE;
        Publisher publisher = transactions
                ? new TransactionalPublisher(parts.producer(), outputs::refused)
                : new AtLeastOncePublisher(parts.producer(), source::commitSync, outputs::refused);
        // At-least-once commits through the consumer, which only the loop may touch: it publishes on the loop.
        this.publishing = new Publishing<>(publisher,
                transactions ? Executors.newSingleThreadExecutor(named("featurex-publish")) : Runnable::run, source::wakeup);
        this.decodePool = Executors.newFixedThreadPool(config.decodeThreads(), named("featurex-decode"));
        this.feed = new Feed(parts.fetch(), parts.decode(), decodePool, this::handBack,
                new Feed.Limits(config.fetchConcurrency(), config.fetchBytesInFlight(), 2 * policy.maxSize() + config.decodeThreads(),
                        FIRST_FETCH_GUESS),
                metrics, this::fail);
        this.model = new ModelStage(extractor, Executors.newSingleThreadExecutor(named("featurex-infer")), source::wakeup, metrics);
        metrics.model(extractor.info(), decodeIdentity, parts.decoders());
        metrics.batchMaxSize(policy.maxSize(), config.batchMaxSize().measured());
    }

    /** Runs until {@link #stop()} (then drains) or a fatal error (then throws). */
    public void run() {
        source.subscribe(new Moves());
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
        source.wakeup();
    }

    /** Called from the stages' threads: the task runs on the loop thread, whose poll returns at once. */
    private void handBack(Runnable task) {
        handedBack.add(task);
        source.wakeup();
    }

    private void fail(Throwable error) {
        fatal.compareAndSet(null, error);
        source.wakeup();
    }

    private void pollPhase(long waitNanos) {
        for (InputRecord record : source.poll(Duration.ofNanos(Math.max(0, Math.min(waitNanos, MAX_POLL_WAIT_NANOS))))) {
            feed.add(record);
        }
        feed.advance();
    }

    /** Runs what the stages handed back: fetched bytes, decoded pixels, failed images. */
    private void handedBackPhase() {
        for (Runnable task; (task = handedBack.poll()) != null; ) {
            task.run();
        }
        Throwable error = fatal.get();
        if (error instanceof Error e) {
            throw e;
        }
        if (error != null) {
            throw new IllegalStateException("a pipeline stage failed: " + error, error);
        }
    }

    /** The model's vectors go to their images' records. */
    private void collectPhase() {
        int left = model.collect();
        if (left > 0) {
            feed.leftModel(left);
        }
    }

    /** @return how long the loop may wait before the batch policy wants to be asked again */
    private long dispatchPhase() {
        long now = System.nanoTime();
        int ready = feed.decodedCount();
        BatchPolicy.Decision decision = policy.decide(ready, ready == 0 ? 0 : now - feed.oldestDecodedNanos(), model.idle());
        if (!decision.send()) {
            return decision.waitNanos();
        }
        List<ImageTask> tasks = feed.takeDecoded(decision.images());
        if (!tasks.isEmpty()) {
            model.start(tasks, now);
        }
        return 0;
    }

    /** The records complete at the head of their partitions go out with their offsets, one publish at a time. */
    private void publishPhase() {
        if (publishing.busy()) {
            Publishing.Done<Taken> done = publishing.take();
            if (done == null) {
                return;
            }
            finish(done);
        }
        OffsetLedger.Committable committable = source.takeCommittable();
        if (committable.isEmpty()) {
            return;
        }
        BatchOutputs batch = BatchOutputs.of(committable.records(), outputs, Instant.now());
        publishing.start(new Taken(committable, batch.recordTimestamps()), batch.records(), committable.offsets(), source.groupMetadata());
        if (publishing.busy()) {
            Publishing.Done<Taken> done = publishing.take(); // done already where it ran on the loop (at-least-once)
            if (done != null) {
                finish(done);
            }
        }
    }

    /** A publish ended: count what went out, or rewind to redo it. */
    private void finish(Publishing.Done<Taken> done) {
        OffsetLedger.Committable committable = done.context().committable();
        if (!done.succeeded()) {
            consecutivePublishFailures++;
            if (consecutivePublishFailures >= MAX_CONSECUTIVE_PUBLISH_FAILURES) {
                throw new FatalPublishException(consecutivePublishFailures + " publish attempts in a row failed", done.failure());
            }
            log.warn("publish failed, rewinding {} to redo its records: {}", committable.firstOffsets().keySet(), done.failure().getMessage());
            source.rewind(committable.firstOffsets());
            return;
        }
        consecutivePublishFailures = 0;
        source.committed(committable.offsets());
        metrics.stage(WorkerMetrics.Stage.PUBLISH, done.nanos() / 1e9);
        for (Output output : done.published()) {
            if (output.isFeature()) {
                metrics.features(1);
            } else {
                metrics.deadLetter(output.code().name());
            }
        }
        long nowMillis = System.currentTimeMillis();
        for (long timestamp : done.context().recordTimestamps()) {
            metrics.endToEnd(Math.max(0, nowMillis - timestamp) / 1e3);
        }
    }

    private void backpressurePhase() {
        source.applyBackpressure();
        feed.report();
    }

    /** Finishes the batch in the model and publishes what is complete; the rest is left to be redone. */
    private void drain() {
        health.set(Health.State.DRAINING, "finishing the batch in the model");
        try {
            if (model.await(config.shutdownTimeout())) {
                handedBackPhase();
                collectPhase();
            } else {
                log.warn("the batch in the model did not finish within {}; the next owner redoes it", config.shutdownTimeout());
            }
            awaitPublish();
            publishPhase();
            awaitPublish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the publish in flight, if any, and takes its result. */
    private void awaitPublish() throws InterruptedException {
        if (publishing.busy()) {
            Publishing.Done<Taken> done = publishing.await(config.shutdownTimeout());
            if (done == null) {
                log.warn("the publish in flight did not finish within {}", config.shutdownTimeout());
            } else {
                finish(done);
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
        model.close();
        for (AutoCloseable resource : parts.closing()) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {}: {}", resource, e.toString());
            }
        }
        try {
            publishing.close();
        } finally {
            source.close();
        }
    }

    /** Partitions moving: the publish in flight ends first, and what was held for dropped records is let go. */
    private final class Moves implements InputSource.Listener {
        @Override
        public void revoking(Collection<TopicPartition> partitions) {
            try {
                awaitPublish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void dropped() {
            feed.dropStale();
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
