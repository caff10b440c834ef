package io.featurex.worker.pipeline;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.fetch.Fetcher;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.source.Entry;
import io.featurex.worker.source.RecordFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a record into its entries (on the loop thread: parsing is microseconds), then fetches and
 * decodes each image on the decode pool. Never fails: bad input is a result.
 */
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

    /** One future per image the record names, in record order; at least one. */
    List<CompletableFuture<Prepared>> submit(ConsumerRecord<byte[], byte[]> record, RecordFormat format) {
        List<Entry> entries = entries(record, format);
        List<CompletableFuture<Prepared>> results = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            if (entry instanceof Entry.Ref ref) {
                results.add(CompletableFuture.supplyAsync(() -> prepare(ref), pool));
            } else {
                Entry.Rejected rejected = (Entry.Rejected) entry;
                results.add(CompletableFuture.completedFuture(new Prepared.Rejected(rejected.id(), rejected.ref(), rejected.error())));
            }
        }
        return results;
    }

    static List<Entry> entries(ConsumerRecord<byte[], byte[]> record, RecordFormat format) {
        String coordinates = coordinatesId(record);
        try {
            List<Entry> entries = format.entries(record.value(), coordinates);
            if (entries.isEmpty()) {
                throw new IllegalStateException(format + " read no entry from a record"); // a format's bug, not the input's
            }
            return entries;
        } catch (BadInputException e) {
            return List.of(new Entry.Rejected(coordinates, null, e));
        } catch (RuntimeException e) {
            // A parser tripping over this particular record is still this record's failure.
            return List.of(new Entry.Rejected(coordinates, null,
                    new BadInputException(ErrorCode.MALFORMED_MESSAGE, "unexpected " + e, e)));
        }
    }

    static String coordinatesId(ConsumerRecord<byte[], byte[]> record) {
        return record.topic() + "-" + record.partition() + "-" + record.offset();
    }

    Prepared prepare(Entry.Ref entry) {
        ErrorCode stage = ErrorCode.FETCH_FAILED;
        try {
            long started = System.nanoTime();
            byte[] bytes = fetcher.fetch(entry.ref());
            long fetched = System.nanoTime();
            metrics.stage(WorkerMetrics.Stage.FETCH, (fetched - started) / 1e9);
            stage = ErrorCode.UNDECODABLE_IMAGE;
            float[] pixels = decoder.decode(bytes);
            metrics.stage(WorkerMetrics.Stage.DECODE, (System.nanoTime() - fetched) / 1e9);
            return new Prepared.Image(entry.id(), entry.ref(), pixels);
        } catch (BadInputException e) {
            return new Prepared.Rejected(entry.id(), entry.ref(), e);
        } catch (RuntimeException e) {
            // A library tripping over this particular input (an image plugin's bug on odd bytes,
            // say) is still this input's failure: dead-letter it under the stage it was in.
            return new Prepared.Rejected(entry.id(), entry.ref(), new BadInputException(stage, "unexpected " + e, e));
        }
    }
}
