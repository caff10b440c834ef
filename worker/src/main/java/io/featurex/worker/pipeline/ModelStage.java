package io.featurex.worker.pipeline;

import io.featurex.worker.batch.Batch;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.InferenceException;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.source.ImageOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The model, one batch at a time on its own thread: images go in, and when the batch is done each
 * vector goes to its image's record. A model or device failure is the worker's, never an image's:
 * it is thrown on the loop.
 */
final class ModelStage implements AutoCloseable {

    /** A batch in the model: its images, and the vectors to come. */
    private record Running(Batch<ImageTask> batch, CompletableFuture<float[][]> vectors, long startedNanos) {}

    private final FeatureExtractor extractor;
    private final ExecutorService thread;
    private final Runnable done;
    private final WorkerMetrics metrics;
    private Running running;

    /** @param done told (on the model's thread) when a batch ends, to wake the loop */
    ModelStage(FeatureExtractor extractor, ExecutorService thread, Runnable done, WorkerMetrics metrics) {
        this.extractor = extractor;
        this.thread = thread;
        this.done = done;
        this.metrics = metrics;
    }

    boolean idle() {
        return running == null;
    }

    /** Hands the images (decoded, in the order given) to the model; their pixels are let go once it is done. */
    void start(List<ImageTask> tasks, long nowNanos) {
        List<float[]> pixels = new ArrayList<>(tasks.size());
        for (ImageTask task : tasks) {
            metrics.stage(WorkerMetrics.Stage.QUEUE, (nowNanos - task.decodedNanos) / 1e9);
            pixels.add(task.pixels);
            task.pixels = null; // the batch holds them now, and only until the model is done
        }
        Batch<ImageTask> batch =
                new Batch<>(tasks, new PixelBatch(pixels, extractor.info().inputSize()));
        CompletableFuture<float[][]> vectors =
                CompletableFuture.supplyAsync(() -> extractor.extract(batch.pixels()), thread);
        vectors.whenComplete((result, error) -> done.run());
        running = new Running(batch, vectors, nowNanos);
    }

    /**
     * If the batch in the model is done, its vectors go to their records.
     *
     * @return the images that left the model (0 while it still works, or when none was in it)
     */
    int collect() {
        if (running == null || !running.vectors().isDone()) {
            return 0;
        }
        Running finished = running;
        running = null;
        float[][] vectors;
        try {
            vectors = finished.vectors().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof InferenceException ie ? ie : new InferenceException("inference failed", cause);
        }
        metrics.batch(finished.batch().items().size(), (System.nanoTime() - finished.startedNanos()) / 1e9);
        finished.batch().forEachVector(vectors, (task, vector) -> {
            if (!task.stale()) {
                task.record.complete(task.index, new ImageOutcome.Feature(vector));
            }
        });
        return finished.batch().items().size();
    }

    /**
     * Waits up to {@code timeout} for the batch in the model.
     *
     * @return false when it did not end in time or failed (its records are then left to be redone)
     */
    boolean await(Duration timeout) throws InterruptedException {
        if (running == null) {
            return true;
        }
        try {
            running.vectors().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            running = null;
            return false;
        }
    }

    /** Stops the model's thread and waits for a batch still on it: the model is closed after this returns. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            // Native code running on a closed model crashes the JVM.
            thread.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
