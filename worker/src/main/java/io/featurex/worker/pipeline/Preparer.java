package io.featurex.worker.pipeline;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.fetch.Fetcher;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.source.ImageRefs;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Parse, fetch and decode one record on the decode pool. Never fails: bad input is a result. */
final class Preparer {

    private final Fetcher fetcher;
    private final ImageDecoder decoder;
    private final Executor pool;
    private final WorkerMetrics metrics;

    Preparer(Fetcher fetcher, ImageDecoder decoder, Executor pool, WorkerMetrics metrics) {
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.pool = pool;
        this.metrics = metrics;
    }

    CompletableFuture<Prepared> submit(ConsumerRecord<byte[], byte[]> record) {
        return CompletableFuture.supplyAsync(() -> prepare(record), pool);
    }

    Prepared prepare(ConsumerRecord<byte[], byte[]> record) {
        String id = ImageRefs.coordinatesId(record.topic(), record.partition(), record.offset());
        ImageRef ref = null;
        ErrorCode stage = ErrorCode.MALFORMED_MESSAGE;
        try {
            ref = ImageRefs.parse(record.value());
            id = ImageRefs.idOf(ref, record.topic(), record.partition(), record.offset());
            stage = ErrorCode.FETCH_FAILED;
            long started = System.nanoTime();
            byte[] bytes = fetcher.fetch(ref);
            long fetched = System.nanoTime();
            metrics.stage(WorkerMetrics.Stage.FETCH, (fetched - started) / 1e9);
            stage = ErrorCode.UNDECODABLE_IMAGE;
            float[] pixels = decoder.decode(bytes);
            metrics.stage(WorkerMetrics.Stage.DECODE, (System.nanoTime() - fetched) / 1e9);
            return new Prepared.Image(id, ref, pixels);
        } catch (BadInputException e) {
            return new Prepared.Rejected(id, ref, e);
        } catch (RuntimeException e) {
            // A library tripping over this particular input (an image plugin's bug on odd bytes,
            // say) is still this input's failure: dead-letter it under the stage it was in.
            return new Prepared.Rejected(id, ref, new BadInputException(stage, "unexpected " + e, e));
        }
    }
}
