package io.featurex.worker.pipeline;

import io.featurex.worker.batch.BatchPolicy;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.config.Delivery;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.fetch.Fetcher;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.InferenceException;
import io.featurex.worker.kafka.KafkaClients;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.sink.AtLeastOncePublisher;
import io.featurex.worker.sink.FatalPublishException;
import io.featurex.worker.sink.OutputRecords;
import io.featurex.worker.sink.Publisher;
import io.featurex.worker.sink.RetriablePublishException;
import io.featurex.worker.sink.TransactionalPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: a loop thread that owns the Kafka clients, a decode pool, and one inference
 * thread. The loop reads as its phases: poll, collect the model's result, dispatch the next
 * batch, publish the previous one, apply backpressure. While batch N is in the model, batch N+1
 * is being decoded and batch N-1 published.
 *
 * <p>The loop never blocks on the model or the decoders: they wake it ({@link
 * KafkaConsumer#wakeup()}) when they finish, and when too much is in flight it pauses the input
 * partitions and keeps polling, so a slow model never causes a rebalance.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final long MAX_POLL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int MAX_CONSECUTIVE_PUBLISH_FAILURES = 10;

    private final WorkerConfig config;
    private final FeatureExtractor extractor;
    private final WorkerMetrics metrics;
    private final Health health;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Publisher publisher;
    private final OutputRecords outputs;
    private final BatchPolicy policy;
    private final InFlight inFlight = new InFlight();
    private final ExecutorService decodePool;
    private final ExecutorService inferenceThread;
    private final Fetcher fetcher;
    private final Preparer preparer;
    private final LagTracker lag;

    private volatile boolean stopRequested;
    private boolean closed;
    private boolean paused;
    private Inference inference;
    private int consecutivePublishFailures;

    /** A batch in the model: its items, and the vectors to come. */
    private record Inference(List<WorkItem> items, CompletableFuture<float[][]> vectors, long startedNanos, int images) {}

    public Worker(WorkerConfig config, FeatureExtractor extractor, WorkerMetrics metrics, Health health) {
        this.config = config;
        this.extractor = extractor;
        this.metrics = metrics;
        this.health = health;
        this.policy = new BatchPolicy(config.batchMaxSize().resolved(), config.batchMaxDelay().toNanos());
        String decodeIdentity = config.decode().identity(extractor.info().preprocessing());
        this.outputs = new OutputRecords(config.outputTopic(), config.deadLetterTopic(), config.workerId(), extractor.info(), decodeIdentity);
        this.consumer = new KafkaConsumer<>(KafkaClients.consumer(config));
        try {
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
            this.publisher = config.delivery() == Delivery.EXACTLY_ONCE
                    ? new TransactionalPublisher(producer, consumer::groupMetadata)
                    : new AtLeastOncePublisher(producer, this::commitSync);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.decodePool = Executors.newFixedThreadPool(config.decodeThreads(), named("featurex-decode"));
        this.inferenceThread = Executors.newSingleThreadExecutor(named("featurex-infer"));
        this.fetcher = new Fetcher(config.fetchLimits(), config.s3(), config.decodeThreads());
        ImageDecoder decoder = config.decode().decoderFor(extractor.info().preprocessing(), extractor.info().inputSize());
        log.info("decoding {}", decoder.describe());
        this.preparer = new Preparer(fetcher, decoder, decodePool, metrics);
        this.lag = new LagTracker(consumer, metrics);
        metrics.model(extractor.info(), decodeIdentity, decoder.decoders());
        metrics.batchMaxSize(policy.maxSize(), config.batchMaxSize().measured());
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
                Inference finished = collectPhase();
                waitNanos = dispatchPhase();
                if (finished != null) {
                    publishPhase(finished);
                }
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

    /** Asks the loop to stop; it finishes the batch in the model, commits it and returns. */
    public void stop() {
        stopRequested = true;
        wakeLoop();
    }

    /** Called from other threads when a stage has news: the loop's poll returns at once. */
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
            List<CompletableFuture<Prepared>> parts = preparer.submit(record, config.inputs().formatOf(record.topic()).format());
            long epoch = inFlight.epoch(partition);
            for (int part = 0; part < parts.size(); part++) {
                WorkItem item = new WorkItem(record, part, parts.size(), epoch, now, parts.get(part));
                inFlight.add(item);
                item.prepared.whenComplete((result, error) -> {
                    item.readyNanos = System.nanoTime();
                    wakeLoop();
                });
            }
        }
    }

    private Inference collectPhase() {
        if (inference == null || !inference.vectors().isDone()) {
            return null;
        }
        Inference finished = inference;
        inference = null;
        return finished;
    }

    /** @return how long the loop may wait before the batch policy wants to be asked again */
    private long dispatchPhase() {
        if (inference != null) {
            return MAX_POLL_WAIT_NANOS;
        }
        InFlight.Ready ready = inFlight.ready(policy.maxSize());
        long now = System.nanoTime();
        BatchPolicy.Decision decision = policy.decide(ready.images(), now - ready.oldestArrivedNanos(), true);
        boolean onlyRejects = ready.items() > 0 && ready.images() == 0;
        if (!decision.send() && !onlyRejects) {
            return decision.waitNanos();
        }
        List<WorkItem> items = inFlight.take(ready.items());
        List<float[]> pixels = new ArrayList<>(ready.images());
        for (WorkItem item : items) {
            if (item.readyNanos != 0) {
                metrics.stage(WorkerMetrics.Stage.QUEUE, (now - item.readyNanos) / 1e9);
            }
            if (item.prepared.join() instanceof Prepared.Image image) {
                pixels.add(image.pixels());
            }
        }
        CompletableFuture<float[][]> vectors = pixels.isEmpty()
                ? CompletableFuture.completedFuture(new float[0][])
                : CompletableFuture.supplyAsync(() -> extract(pixels), inferenceThread);
        vectors.whenComplete((result, error) -> wakeLoop());
        inference = new Inference(items, vectors, now, pixels.size());
        return 0;
    }

    /** Runs on the inference thread; more than a batch's worth (one record's many images) in several passes. */
    private float[][] extract(List<float[]> pixels) {
        float[][] vectors = new float[pixels.size()][];
        for (int from = 0; from < pixels.size(); from += policy.maxSize()) {
            int to = Math.min(pixels.size(), from + policy.maxSize());
            float[][] part = extractor.extract(new PixelBatch(pixels.subList(from, to), extractor.info().inputSize()));
            System.arraycopy(part, 0, vectors, from, part.length);
        }
        return vectors;
    }

    private void publishPhase(Inference done) {
        float[][] vectors;
        try {
            vectors = done.vectors().join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof InferenceException ie ? ie : new InferenceException("inference failed", cause);
        }
        if (done.images() > 0) {
            metrics.batch(done.images(), (System.nanoTime() - done.startedNanos()) / 1e9);
        }
        BatchOutputs batch = BatchOutputs.of(done.items(), vectors, outputs, inFlight::isCurrent);
        long started = System.nanoTime();
        try {
            publisher.publish(batch.records(), batch.offsets());
            consecutivePublishFailures = 0;
            lag.committed(batch.offsets());
            metrics.stage(WorkerMetrics.Stage.PUBLISH, (System.nanoTime() - started) / 1e9);
            metrics.features(batch.features());
            batch.deadLetterCodes().forEach(metrics::deadLetter);
            long nowMillis = System.currentTimeMillis();
            for (long timestamp : batch.recordTimestamps()) {
                metrics.endToEnd(Math.max(0, nowMillis - timestamp) / 1e3);
            }
        } catch (RetriablePublishException e) {
            consecutivePublishFailures++;
            if (consecutivePublishFailures >= MAX_CONSECUTIVE_PUBLISH_FAILURES) {
                throw new FatalPublishException(consecutivePublishFailures + " publish attempts in a row failed", e);
            }
            log.warn("publish failed, rewinding {} to redo the batch: {}", batch.firstOffsets().keySet(), e.getMessage());
            rewind(batch);
        } finally {
            inFlight.finished(done.items().size());
        }
    }

    /** After an aborted publish: read the batch's partitions again from the batch's first offsets. */
    private void rewind(BatchOutputs batch) {
        inFlight.rewound(batch.firstOffsets().keySet());
        Set<TopicPartition> assigned = consumer.assignment();
        batch.firstOffsets().forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    private void backpressurePhase() {
        int size = inFlight.size();
        metrics.inFlight(size);
        if (!paused && size >= config.maxInFlight()) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && size <= config.maxInFlight() / 2) {
            consumer.resume(consumer.paused());
            paused = false;
        }
        metrics.paused(paused ? consumer.paused().size() : 0);
    }

    /** Finishes the batch in the model and publishes it; queued records are left to be redone. */
    private void drain() {
        health.set(Health.State.DRAINING, "finishing the batch in the model");
        if (inference == null) {
            return;
        }
        try {
            inference.vectors().get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            publishPhase(collectPhase());
        } catch (TimeoutException e) {
            log.warn("in-flight batch did not finish within {}; it will be redone by the next owner", config.shutdownTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("in-flight batch failed while draining: {}", e.getCause().toString());
        }
    }

    private void commitSync(java.util.Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets) {
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
            inFlight.revoked(partitions);
            lag.revoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("partitions assigned: {}", partitions);
            }
            inFlight.assigned(partitions);
            lag.assigned(partitions);
            if (paused) {
                consumer.pause(new HashSet<>(partitions));
            }
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
