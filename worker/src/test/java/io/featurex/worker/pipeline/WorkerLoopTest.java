package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelInfo;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.infer.WeightsSource;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.sink.OutputLimits;
import io.featurex.worker.sink.RecordLimit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's logic on Kafka's MockConsumer and MockProducer, with stages of the test's own (a
 * fetch answering at once, a decode making blank pixels, a model answering each image's index):
 * what goes into a transaction, in what order, with which offsets, and what a failure does. The
 * real clients and stages are the integration tests' (WorkerIT and the others).
 */
class WorkerLoopTest {

    private static final TopicPartition P0 = new TopicPartition("images", 0);
    private static final TopicPartition P1 = new TopicPartition("images", 1);
    private static final ModelInfo MODEL = new ModelInfo(
            "test-model", WeightsSource.RANDOM, "none", Preprocessing.CAFFE, Precision.FP32, 4, 3, "none");

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    /** Commits that fail because the group's generation moved on, before they pass again. */
    private final AtomicInteger movedGenerations = new AtomicInteger();

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                @Override
                public void commitTransaction() {
                    if (movedGenerations.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new KafkaException(
                                "commit failed",
                                new CommitFailedException("Specified group generation id is not valid."));
                    }
                    super.commitTransaction();
                }
            };
    private final Health health = new Health();
    private final List<Integer> batchSizes = new ArrayList<>();
    private Feed.Decode decode = bytes -> new float[4 * 4 * 3];
    private Thread loop;
    private Worker worker;

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.stop();
            loop.join(10_000);
            worker.close();
        }
    }

    @Test
    void completeRecordsGoOutInOneTransactionWithTheirOffsetsInOffsetOrder() throws Exception {
        start(Map.of("batch.max-size", "4"));
        for (int i = 0; i < 10; i++) {
            add(P0, i, ref("img-" + i));
        }
        awaitTrue(() -> committedOffset(P0) == 10);

        List<String> ids = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : producer.history()) {
            assertThat(record.topic()).isEqualTo("features");
            ids.add(FeatureVector.parseFrom(record.value()).getId());
        }
        assertThat(ids)
                .as("each image once, in offset order")
                .containsExactly(
                        "img-0", "img-1", "img-2", "img-3", "img-4", "img-5", "img-6", "img-7", "img-8", "img-9");
        assertThat(batchSizes).allMatch(size -> size <= 4);
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(health.state()).isEqualTo(Health.State.RUNNING);
    }

    @Test
    void aFailedImageIsItsRecordsDeadLetterAndTheRecordsAroundItGoOn() throws Exception {
        start(Map.of());
        add(P0, 0, ref("good-0"));
        add(
                P0,
                1,
                ImageRef.newBuilder().setId("missing").setUri("missing").build().toByteArray());
        add(P0, 2, new byte[] {(byte) 0xFF, 1, 2}); // not an ImageRef
        add(P0, 3, ref("good-1"));
        awaitTrue(() -> committedOffset(P0) == 4);

        Map<String, ErrorCode> deadLetters = new HashMap<>();
        List<String> features = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : producer.history()) {
            if (record.topic().equals("dead-letters")) {
                DeadLetter letter = DeadLetter.parseFrom(record.value());
                deadLetters.put(letter.getId(), letter.getCode());
            } else {
                features.add(FeatureVector.parseFrom(record.value()).getId());
            }
        }
        assertThat(features).containsExactly("good-0", "good-1");
        assertThat(deadLetters)
                .containsEntry("missing", ErrorCode.FILE_NOT_FOUND)
                .containsEntry("images-0-2", ErrorCode.MALFORMED_MESSAGE);
    }

    @Test
    void aPartitionWaitsForItsHeadWhileTheOthersCommit() throws Exception {
        CompletableFuture<byte[]> slow = new CompletableFuture<>();
        start(Map.of(), ref -> ref.getUri().equals("slow") ? slow : CompletableFuture.completedFuture(new byte[] {1}));
        add(P0, 0, ImageRef.newBuilder().setId("slow").setUri("slow").build().toByteArray());
        add(P0, 1, ref("behind-slow"));
        add(P1, 0, ref("other-partition"));
        awaitTrue(() -> committedOffset(P1) == 1);
        assertThat(committedOffset(P0))
                .as("offset 0 is not done: nothing of P0 may be committed")
                .isEqualTo(-1);
        slow.complete(new byte[] {1});
        awaitTrue(() -> committedOffset(P0) == 2);
    }

    @Test
    void aTransactionThatFailsIsRewoundAndRedoneNotLost() throws Exception {
        producer.commitTransactionException = new KafkaException("broker gone for a moment");
        start(Map.of());
        add(P0, 0, ref("img-0"));
        // The first commit fails; the loop seeks back, and the consumer hands the record again.
        awaitTrue(() -> producer.transactionAborted());
        producer.commitTransactionException = null;
        consumer.schedulePollTask(() -> add(P0, 0, ref("img-0")));
        awaitTrue(() -> committedOffset(P0) == 1);
        assertThat(producer.history()).hasSize(1);
        assertThat(FeatureVector.parseFrom(producer.history().get(0).value()).getId())
                .isEqualTo("img-0");
    }

    @Test
    void offsetsRefusedAgainAndAgainWhileTheGroupMovesDoNotStopTheWorker() throws Exception {
        // More than the 10 failures in a row that stop a worker: these are the group's, not its own.
        movedGenerations.set(15);
        start(Map.of());
        for (int i = 0; i < 40; i++) {
            add(P0, 0, ref("img-0"));
        }
        awaitTrue(() -> committedOffset(P0) == 1);
        assertThat(movedGenerations.get()).isZero();
        assertThat(loop.isAlive()).isTrue();
        assertThat(health.state()).isEqualTo(Health.State.RUNNING);
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void anErrorInAStageStopsTheWorkerInsteadOfHangingOrDeadLetteringTheImage() throws Exception {
        decode = bytes -> {
            throw new OutOfMemoryError("Java heap space");
        };
        start(Map.of());
        add(P0, 0, ref("img-0"));
        awaitTrue(() -> !loop.isAlive());
        assertThat(health.state()).isEqualTo(Health.State.FAILED);
        assertThat(producer.history()).isEmpty();
    }

    private void start(Map<String, String> settings) {
        start(
                settings,
                ref -> ref.getUri().equals("missing")
                        ? CompletableFuture.failedFuture(
                                new BadInputException(ErrorCode.FILE_NOT_FOUND, "no such file"))
                        : CompletableFuture.completedFuture(new byte[] {1}));
    }

    private void start(Map<String, String> settings, Feed.Fetch fetch) {
        Map<String, String> raw = new HashMap<>(settings);
        raw.putIfAbsent("bootstrap.servers", "unused:9092");
        raw.putIfAbsent("input.topic", "images");
        raw.putIfAbsent("output.topic", "features");
        raw.putIfAbsent("dead-letter.topic", "dead-letters");
        raw.putIfAbsent("batch.max-size", "8");
        raw.putIfAbsent("metrics.port", "-1");
        WorkerConfig config = WorkerConfig.from(raw);
        OutputLimits limits = new OutputLimits(
                new RecordLimit("features", 1 << 20, 1 << 20), new RecordLimit("dead-letters", 1 << 20, 1 << 20));
        WorkerParts parts = new WorkerParts(
                consumer, () -> producer, limits, fetch, bytes -> decode.decode(bytes), "test", List.of());
        worker = new Worker(config, new CountingModel(), new WorkerMetrics(new PrometheusRegistry()), health, parts);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        });
        loop = new Thread(
                () -> {
                    try {
                        worker.run();
                    } catch (Throwable e) {
                        // The test reads the health: FAILED, with the reason.
                    }
                },
                "test-loop");
        loop.start();
    }

    private void add(TopicPartition partition, long offset, byte[] value) {
        consumer.schedulePollTask(() -> consumer.addRecord(
                new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null, value)));
    }

    private static byte[] ref(String id) {
        return ImageRef.newBuilder().setId(id).setUri("test:" + id).build().toByteArray();
    }

    /** The offset the last committed transaction gave the partition; -1 when none did. */
    private long committedOffset(TopicPartition partition) {
        long offset = -1;
        for (Map<String, Map<TopicPartition, OffsetAndMetadata>> commit : producer.consumerGroupOffsetsHistory()) {
            for (Map<TopicPartition, OffsetAndMetadata> offsets : commit.values()) {
                if (offsets.containsKey(partition)) {
                    offset = offsets.get(partition).offset();
                }
            }
        }
        return offset;
    }

    private void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 20 s; health " + health.state() + " " + health.detail());
            }
            Thread.sleep(5);
        }
    }

    /** A model answering each image with its batch position, counting the batch sizes it was given. */
    private final class CountingModel implements FeatureExtractor {
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public ModelInfo info() {
            return MODEL;
        }

        @Override
        public float[][] extract(PixelBatch batch) {
            calls.incrementAndGet();
            synchronized (batchSizes) {
                batchSizes.add(batch.count());
            }
            float[][] vectors = new float[batch.count()][MODEL.dimension()];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i][0] = i;
            }
            return vectors;
        }

        @Override
        public void close() {}
    }
}
