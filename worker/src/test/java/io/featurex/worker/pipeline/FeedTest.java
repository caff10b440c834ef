package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.source.Entry;
import io.featurex.worker.source.ImageOutcome;
import io.featurex.worker.source.InputRecord;
import io.featurex.worker.source.OffsetLedger;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The feed's bounds and failure paths, with stages the test completes by hand: no threads, no
 * sleeping. The loop executor and the decode pool are queues the test runs.
 */
class FeedTest {

    private static final TopicPartition P = new TopicPartition("in", 0);

    private final Map<String, CompletableFuture<byte[]>> fetches = new HashMap<>();
    private final ArrayDeque<Runnable> decodeThreads = new ArrayDeque<>();
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final OffsetLedger ledger = new OffsetLedger();
    private Feed.Decode decode = bytes -> new float[] {bytes.length};

    private Feed feed(int maxFetches, long maxBytes, int maxDecoded) {
        ledger.assigned(List.of(P));
        return new Feed(
                ref -> fetches.computeIfAbsent(ref.getUri(), u -> new CompletableFuture<>()),
                bytes -> decode.decode(bytes),
                this.decodeThreads::add,
                loop::add,
                new Feed.Limits(maxFetches, maxBytes, maxDecoded, 1),
                new WorkerMetrics(new PrometheusRegistry()),
                fatal::set);
    }

    @Test
    void noMoreFetchesStartThanAllowedWhateverTheRecordHolds() {
        Feed feed = feed(3, 1 << 20, 10);
        feed.add(record(0, 100));
        feed.advance();
        assertThat(fetches).hasSize(3);
        complete("img-0", 10);
        runLoop();
        assertThat(fetches).as("one done, one more started").hasSize(4);
    }

    @Test
    void fetchesUnderWayCountAtTheFirstGuessThenAtTheLargestRecentFetch() {
        Feed feed = new Feed(
                ref -> fetches.computeIfAbsent(ref.getUri(), u -> new CompletableFuture<>()),
                bytes -> decode.decode(bytes),
                decodeThreads::add,
                loop::add,
                new Feed.Limits(200, 1 << 30, 1_000, 300),
                new WorkerMetrics(new PrometheusRegistry()),
                fatal::set);
        ledger.assigned(List.of(P));
        feed.add(record(0, 200, "x"));
        feed.advance();
        assertThat(feed.expectedBytes()).isEqualTo(300);
        complete("x-0", 50);
        runLoop();
        assertThat(feed.expectedBytes())
                .as("fewer than 64 fetched: the guess still holds")
                .isEqualTo(300);
        complete("x-1", 5_000);
        runLoop();
        assertThat(feed.expectedBytes())
                .as("small images come back first: the largest counts, not the mean")
                .isEqualTo(5_000);
        for (int i = 2; i < 66; i++) {
            complete("x-" + i, 20);
            runLoop();
        }
        assertThat(feed.expectedBytes())
                .as("the large one is older than the last 64")
                .isEqualTo(20);
    }

    @Test
    void theBytesExpectedOfFetchesUnderWayHoldBackNewOnes() {
        Feed large = new Feed(
                ref -> fetches.computeIfAbsent(ref.getUri(), u -> new CompletableFuture<>()),
                bytes -> decode.decode(bytes),
                decodeThreads::add,
                loop::add,
                new Feed.Limits(100, 1_000, 10, 300),
                new WorkerMetrics(new PrometheusRegistry()),
                fatal::set);
        ledger.assigned(List.of(P));
        large.add(record(1, 20, "big"));
        large.advance();
        assertThat(fetches).as("three guesses of 300 fit 1,000").hasSize(3);
        complete("big-0", 100);
        runLoop();
        // 100 held, two under way and one more at 300 each: 1,000.
        assertThat(fetches).hasSize(4);
    }

    @Test
    void oneFetchMayAlwaysGoWhileUnderTheBoundWhateverItsExpectedSize() {
        Feed huge = new Feed(
                ref -> fetches.computeIfAbsent(ref.getUri(), u -> new CompletableFuture<>()),
                bytes -> decode.decode(bytes),
                decodeThreads::add,
                loop::add,
                new Feed.Limits(100, 1_000, 10, 5_000),
                new WorkerMetrics(new PrometheusRegistry()),
                fatal::set);
        ledger.assigned(List.of(P));
        huge.add(record(0, 3, "huge"));
        huge.advance();
        assertThat(fetches).hasSize(1);
    }

    @Test
    void fetchesWaitWhileTheBytesHeldAreOverTheirBound() {
        Feed feed = feed(10, 1_000, 1);
        feed.add(record(0, 20));
        feed.advance();
        assertThat(fetches).hasSize(10);
        for (int i = 0; i < 10; i++) {
            complete("img-" + i, 400);
        }
        runLoop();
        // From the first answer on, the nine under way count 400 each: nothing more fits 1,000.
        assertThat(fetches).hasSize(10);
        // Pixels bound 1: one image goes to the decode pool, the rest of the bytes wait.
        assertThat(decodeThreads).hasSize(1);
        runDecodes();
        runLoop();
        assertThat(feed.decodedCount()).isEqualTo(1);
        assertThat(decodeThreads).as("pixels waiting are at their bound").isEmpty();
        feed.takeDecoded(1);
        feed.leftModel(1);
        assertThat(decodeThreads).hasSize(1);
    }

    @Test
    void anImagesFailureIsItsRecordsOutcomeAndTheOthersGoOn() {
        Feed feed = feed(4, 1 << 20, 10);
        InputRecord record = record(0, 2);
        feed.add(record);
        feed.advance();
        fetches.get("img-0").completeExceptionally(new BadInputException(ErrorCode.HTTP_CLIENT_ERROR, "404"));
        complete("img-1", 5);
        runLoop();
        runDecodes();
        runLoop();
        assertThat(record.outcome(0)).isInstanceOf(ImageOutcome.Failed.class);
        assertThat(((ImageOutcome.Failed) record.outcome(0)).error().code()).isEqualTo(ErrorCode.HTTP_CLIENT_ERROR);
        assertThat(record.outcome(1)).isNull();
        assertThat(feed.takeDecoded(5)).hasSize(1);
        assertThat(fatal.get()).isNull();
    }

    @Test
    void anUnexpectedDecoderExceptionIsTheImagesDeadLetterButAnErrorStopsTheWorker() {
        Feed feed = feed(4, 1 << 20, 10);
        InputRecord record = record(0, 2);
        feed.add(record);
        feed.advance();
        decode = bytes -> {
            if (bytes.length == 1) {
                throw new IllegalArgumentException("plugin bug");
            }
            throw new OutOfMemoryError("Java heap space");
        };
        complete("img-0", 1);
        complete("img-1", 2);
        runLoop();
        runDecodes();
        runLoop();
        assertThat(((ImageOutcome.Failed) record.outcome(0)).error().code()).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
        assertThat(fatal.get()).isInstanceOf(OutOfMemoryError.class);
        assertThat(record.outcome(1))
                .as("never a dead letter for the worker's own failure")
                .isNull();
    }

    @Test
    void whatIsHeldForADroppedRecordIsLetGoAndNeverCompleted() {
        Feed feed = feed(4, 1_000, 10);
        InputRecord record = record(0, 3);
        feed.add(record);
        feed.advance();
        complete("img-0", 600);
        complete("img-1", 600);
        runLoop();
        assertThat(fetches).hasSize(3);
        ledger.rewound(List.of(P));
        feed.dropStale();
        complete("img-2", 600);
        runLoop();
        runDecodes();
        runLoop();
        assertThat(feed.decodedCount()).isZero();
        assertThat(record.outcome(0)).isNull();
        // The bytes are let go: new records fetch again.
        feed.add(record(1, 1, "next"));
        feed.advance();
        assertThat(fetches).containsKey("next-0");
    }

    private InputRecord record(long offset, int images) {
        return record(offset, images, "img");
    }

    private InputRecord record(long offset, int images, String prefix) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            entries.add(new Entry.Ref(
                    prefix + "-" + i,
                    ImageRef.newBuilder().setUri(prefix + "-" + i).build()));
        }
        return ledger.read(
                new ConsumerRecord<>(P.topic(), P.partition(), offset, new byte[0], new byte[0]), entries, 0);
    }

    private void complete(String uri, int bytes) {
        fetches.get(uri).complete(new byte[bytes]);
    }

    private void runLoop() {
        for (Runnable task; (task = loop.poll()) != null; ) {
            task.run();
        }
    }

    private void runDecodes() {
        for (Runnable task; (task = decodeThreads.poll()) != null; ) {
            task.run();
        }
    }
}
