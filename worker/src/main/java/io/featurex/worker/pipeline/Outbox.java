package io.featurex.worker.pipeline;

import io.featurex.worker.config.Delivery;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.sink.AtLeastOncePublisher;
import io.featurex.worker.sink.FatalPublishException;
import io.featurex.worker.sink.Output;
import io.featurex.worker.sink.OutputRecords;
import io.featurex.worker.sink.Publisher;
import io.featurex.worker.sink.Publishing;
import io.featurex.worker.sink.TransactionalPublisher;
import io.featurex.worker.source.InputSource;
import io.featurex.worker.source.OffsetLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records complete at the head of their partitions, going out with their offsets one publish
 * at a time. A publish that fails is redone from the source (the partitions rewind to its first
 * offsets); only a run of failures no retry mends stops the worker.
 */
final class Outbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final int MAX_CONSECUTIVE_FAILURES = 10;

    /** What one publish takes out of the ledger, and the end-to-end timestamps of its outputs. */
    private record Taken(OffsetLedger.Committable committable, long[] recordTimestamps) {}

    private final InputSource source;
    private final OutputRecords outputs;
    private final Publishing<Taken> publishing;
    private final WorkerMetrics metrics;
    private int consecutiveFailures;

    Outbox(
            Delivery delivery,
            Supplier<Producer<byte[], byte[]>> producers,
            InputSource source,
            OutputRecords outputs,
            WorkerMetrics metrics) {
        this.source = source;
        this.outputs = outputs;
        this.metrics = metrics;
        boolean transactions = delivery == Delivery.EXACTLY_ONCE;
        Publisher publisher = transactions
                ? new TransactionalPublisher(producers, outputs::refused)
                : new AtLeastOncePublisher(producers.get(), source::commitSync, outputs::refused);
        // At-least-once commits through the consumer, which only the loop may touch: it publishes on the loop.
        Executor thread =
                transactions ? Executors.newSingleThreadExecutor(Threads.named("featurex-publish")) : Runnable::run;
        this.publishing = new Publishing<>(publisher, thread, source::wakeup);
    }

    /** Takes the publish that ended, if any; then, when none is under way, starts the next with what is complete. */
    void advance() {
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
        publishing.start(
                new Taken(committable, batch.recordTimestamps()),
                batch.records(),
                committable.offsets(),
                source.groupMetadata());
        Publishing.Done<Taken> done = publishing.take(); // already done where it ran on the loop (at-least-once)
        if (done != null) {
            finish(done);
        }
    }

    /** Waits up to {@code timeout} for the publish under way, if any, and takes its result. */
    void await(Duration timeout) throws InterruptedException {
        if (publishing.busy()) {
            Publishing.Done<Taken> done = publishing.await(timeout);
            if (done == null) {
                log.warn("the publish in flight did not finish within {}", timeout);
            } else {
                finish(done);
            }
        }
    }

    private void finish(Publishing.Done<Taken> done) {
        OffsetLedger.Committable committable = done.context().committable();
        if (!done.succeeded()) {
            // Refused because a rebalance moved the partitions: the consumer learns it at its next
            // poll, and the new owner redoes the records. A run of these while a group settles is no
            // reason to stop (CI's fault run saw 10 in 1.2 s, as a frozen worker came back).
            if (!done.failure().partitionsMoved()) {
                consecutiveFailures++;
                if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
                    throw new FatalPublishException(
                            consecutiveFailures + " publish attempts in a row failed", done.failure());
                }
            }
            log.warn(
                    "publish failed, rewinding {} to redo its records: {}",
                    committable.firstOffsets().keySet(),
                    done.failure().getMessage());
            source.rewind(committable.firstOffsets());
            return;
        }
        consecutiveFailures = 0;
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

    @Override
    public void close() {
        publishing.close();
    }
}
