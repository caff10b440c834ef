package io.featurex.worker.sink;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One publish in flight at a time, on a thread of its own (where the publisher allows: exactly-once
 * transactions do; at-least-once commits through the consumer and so runs on the caller's thread),
 * so the loop goes on feeding the model while a transaction commits. One at a time keeps a
 * partition's transactions in offset order; what completes meanwhile goes into the next, so
 * transactions grow with the rate instead of queueing up.
 *
 * @param <C> what the caller keeps with a publish (the records it accounts for)
 */
public final class Publishing<C> implements AutoCloseable {

    /** A publish that ended: its outputs as published (replacements included), or why it was rolled back. */
    public record Done<C>(C context, List<Output> published, long nanos, RetriablePublishException failure) {

        public boolean succeeded() {
            return failure == null;
        }
    }

    private record InFlight<C>(C context, CompletableFuture<Done<C>> result) {}

    private final Publisher publisher;
    private final Executor own;
    private final Executor thread;
    private InFlight<C> inFlight;

    /**
     * @param thread where publishes run: a thread of their own, or the caller's ({@code Runnable::run})
     * @param done   told (on the publish thread) when one ends, to wake the caller
     */
    public Publishing(Publisher publisher, Executor thread, Runnable done) {
        this.publisher = publisher;
        this.own = thread;
        this.thread = task -> thread.execute(() -> {
            try {
                task.run();
            } finally {
                done.run();
            }
        });
    }

    /** Whether a publish is under way (another may start only once it has been taken with {@link #take}). */
    public boolean busy() {
        return inFlight != null;
    }

    public void start(
            C context,
            List<Output> outputs,
            Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group) {
        if (inFlight != null) {
            throw new IllegalStateException("a publish is in flight");
        }
        CompletableFuture<Done<C>> result = new CompletableFuture<>();
        thread.execute(() -> {
            long started = System.nanoTime();
            try {
                List<Output> published = publisher.publish(outputs, offsets, group);
                result.complete(new Done<>(context, published, System.nanoTime() - started, null));
            } catch (RetriablePublishException e) {
                result.complete(new Done<>(context, List.of(), System.nanoTime() - started, e));
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        inFlight = new InFlight<>(context, result);
    }

    /**
     * The publish in flight if it has ended, else null.
     *
     * @throws FatalPublishException or any other error no retry can mend
     */
    public Done<C> take() {
        if (inFlight == null || !inFlight.result().isDone()) {
            return null;
        }
        return takeNow();
    }

    /** Waits up to {@code timeout} for the publish in flight; null when none is or it did not end in time. */
    public Done<C> await(Duration timeout) throws InterruptedException {
        if (inFlight == null) {
            return null;
        }
        try {
            inFlight.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // takeNow rethrows it
        } catch (TimeoutException e) {
            return null;
        }
        return takeNow();
    }

    private Done<C> takeNow() {
        InFlight<C> done = inFlight;
        inFlight = null;
        try {
            return done.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Stops the publish thread (a transaction still on it is aborted by the broker) and closes the producer. */
    @Override
    public void close() {
        if (own instanceof ExecutorService service) {
            service.shutdownNow();
        }
        publisher.close();
    }
}
