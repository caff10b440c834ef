package io.featurex.worker.pipeline;

import io.featurex.worker.batch.BatchPolicy;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.sink.OutputRecords;
import io.featurex.worker.source.InputRecord;
import io.featurex.worker.source.InputSource;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: a loop thread that owns the input ({@link InputSource}), fetches in flight of their
 * own and a decode pool ({@link Feed}), the model on its own thread ({@link ModelStage}) and the
 * publishes on theirs ({@link Outbox}). The loop reads as its phases: poll, run what the
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
    /** Before any fetch has finished, one under way counts as a large-ish photo: a backlog of 4000x3000 JPEGs must not start hundreds at once. */
    private static final long FIRST_FETCH_GUESS = 1 << 20;

    private final WorkerConfig config;
    private final FeatureExtractor extractor;
    private final WorkerMetrics metrics;
    private final Health health;
    private final WorkerParts parts;
    private final InputSource source;
    private final BatchPolicy policy;
    private final ExecutorService decodePool;
    private final Feed feed;
    private final ModelStage model;
    private final Outbox outbox;
    /** What the stages hand back, run on the loop thread in the order it came. */
    private final ConcurrentLinkedQueue<Runnable> handedBack = new ConcurrentLinkedQueue<>();
    /** An error no input explains (out of memory in a decode thread, say): the loop rethrows it. */
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();

    private volatile boolean stopRequested;
    private boolean closed;

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
        this.policy = new BatchPolicy(
                config.batchMaxSize().resolved(), config.batchMaxDelay().toNanos());
        String decodeIdentity = config.decode().identity(extractor.info().preprocessing());
        OutputRecords outputs = new OutputRecords(
                parts.limits().features(),
                parts.limits().deadLetters(),
                config.deadLetterMaxOriginalBytes(),
                config.workerId(),
                extractor.info(),
                decodeIdentity);
        this.source = new InputSource(
                parts.consumer(), config.inputs(), config.maxImagesPerRecord(), config.maxInFlight(), metrics);
        this.outbox = new Outbox(config.delivery(), parts.producers(), source, outputs, metrics);
        this.decodePool = Executors.newFixedThreadPool(config.decodeThreads(), Threads.named("featurex-decode"));
        this.feed = new Feed(
                parts.fetch(),
                parts.decode(),
                decodePool,
                this::handBack,
                new Feed.Limits(
                        config.fetchConcurrency(),
                        config.fetchBytesInFlight(),
                        2 * policy.maxSize() + config.decodeThreads(),
                        FIRST_FETCH_GUESS),
                metrics,
                this::fail);
        this.model = new ModelStage(
                extractor, Executors.newSingleThreadExecutor(Threads.named("featurex-infer")), source::wakeup, metrics);
        metrics.model(extractor.info(), decodeIdentity, parts.decoders());
        metrics.batchMaxSize(policy.maxSize(), config.batchMaxSize().measured());
    }

    /** Runs until {@link #stop()} (then drains) or a fatal error (then throws). */
    public void run() {
        source.subscribe(new Moves());
        health.set(Health.State.RUNNING, "consuming " + config.inputs());
        log.info(
                "worker {} consuming {} in group {} ({}), model {}",
                config.workerId(),
                config.inputs(),
                config.groupId(),
                config.delivery().key(),
                extractor.info().summary());
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
        for (InputRecord record :
                source.poll(Duration.ofNanos(Math.max(0, Math.min(waitNanos, MAX_POLL_WAIT_NANOS))))) {
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
        BatchPolicy.Decision decision =
                policy.decide(ready, ready == 0 ? 0 : now - feed.oldestDecodedNanos(), model.idle());
        if (!decision.send()) {
            return decision.waitNanos();
        }
        List<ImageTask> tasks = feed.takeDecoded(decision.images());
        if (!tasks.isEmpty()) {
            model.start(tasks, now);
        }
        return 0;
    }

    private void publishPhase() {
        outbox.advance();
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
                log.warn(
                        "the batch in the model did not finish within {}; the next owner redoes it",
                        config.shutdownTimeout());
            }
            outbox.await(config.shutdownTimeout());
            outbox.advance();
            outbox.await(config.shutdownTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
            outbox.close();
        } finally {
            source.close();
        }
    }

    /** Partitions moving: the publish in flight ends first, and what was held for dropped records is let go. */
    private final class Moves implements InputSource.Listener {
        @Override
        public void revoking(Collection<TopicPartition> partitions) {
            try {
                outbox.await(config.shutdownTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void dropped() {
            feed.dropStale();
        }
    }
}
