package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.BadInputException;
import io.featurex.v1.ErrorCode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InFlightTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private final InFlight inFlight = new InFlight();

    private WorkItem item(TopicPartition p, long offset, Prepared result, long arrived) {
        return part(p, offset, 0, 1, result, arrived);
    }

    /** One of a record's several images (an S3 event with several object records). */
    private WorkItem part(TopicPartition p, long offset, int part, int parts, Prepared result, long arrived) {
        CompletableFuture<Prepared> future = result == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(result);
        WorkItem item = new WorkItem(new ConsumerRecord<byte[], byte[]>(p.topic(), p.partition(), offset, null, null),
                part, parts, inFlight.epoch(p), arrived, future);
        inFlight.add(item);
        return item;
    }

    private static Prepared image() {
        return new Prepared.Image("id", null, new float[0]);
    }

    private static Prepared rejected() {
        return new Prepared.Rejected("id", null, new BadInputException(ErrorCode.FILE_NOT_FOUND, "gone"));
    }

    @Test
    void readyStopsAtTheFirstUnfinishedItemSoOffsetsStayContiguous() {
        inFlight.assigned(List.of(P0));
        item(P0, 0, image(), 100);
        item(P0, 1, rejected(), 200);
        WorkItem pending = item(P0, 2, null, 300);
        item(P0, 3, image(), 400);

        InFlight.Ready ready = inFlight.ready(8);
        assertThat(ready.items()).isEqualTo(2);
        assertThat(ready.images()).isEqualTo(1);
        assertThat(ready.oldestArrivedNanos()).isEqualTo(100);

        pending.prepared.complete(image());
        assertThat(inFlight.ready(8).items()).isEqualTo(4);
    }

    @Test
    void readyCountsOnlyImagesAgainstTheBatchSize() {
        inFlight.assigned(List.of(P0));
        item(P0, 0, image(), 0);
        item(P0, 1, rejected(), 0);
        item(P0, 2, image(), 0);
        item(P0, 3, image(), 0);
        InFlight.Ready ready = inFlight.ready(2);
        assertThat(ready.images()).isEqualTo(2);
        assertThat(ready.items()).isEqualTo(3);
    }

    @Test
    void aRecordsImagesAreTakenTogetherOrNotAtAll() {
        inFlight.assigned(List.of(P0));
        item(P0, 0, image(), 0);
        part(P0, 1, 0, 3, image(), 0);
        WorkItem pending = part(P0, 1, 1, 3, null, 0);
        part(P0, 1, 2, 3, image(), 0);
        assertThat(inFlight.ready(8).items()).as("record 1 is not complete").isEqualTo(1);

        pending.prepared.complete(rejected());
        assertThat(inFlight.ready(8)).isEqualTo(new InFlight.Ready(4, 3, 0));
        assertThat(inFlight.ready(2)).as("record 1 does not fit beside record 0: it waits for the next batch")
                .isEqualTo(new InFlight.Ready(1, 1, 0));
    }

    @Test
    void aRecordWithMoreImagesThanABatchIsTakenAlone() {
        inFlight.assigned(List.of(P0));
        for (int i = 0; i < 5; i++) {
            part(P0, 0, i, 5, image(), 0);
        }
        item(P0, 1, image(), 0);
        assertThat(inFlight.ready(2)).isEqualTo(new InFlight.Ready(5, 5, 0));
    }

    @Test
    void rejectsAfterAFullBatchRideAlong() {
        inFlight.assigned(List.of(P0));
        item(P0, 0, image(), 0);
        item(P0, 1, image(), 0);
        item(P0, 2, rejected(), 0);
        item(P0, 3, image(), 0);
        assertThat(inFlight.ready(2)).isEqualTo(new InFlight.Ready(3, 2, 0));
    }

    @Test
    void takenItemsStayInFlightUntilFinished() {
        inFlight.assigned(List.of(P0));
        item(P0, 0, image(), 0);
        item(P0, 1, image(), 0);
        assertThat(inFlight.take(2)).hasSize(2);
        assertThat(inFlight.size()).isEqualTo(2);
        assertThat(inFlight.queued()).isZero();
        inFlight.finished(2);
        assertThat(inFlight.size()).isZero();
    }

    @Test
    void rewindingMakesEverythingReadBeforeStaleEvenWhatIsInTheModel() {
        inFlight.assigned(List.of(P0, P1));
        WorkItem inModel = item(P0, 5, image(), 0);
        WorkItem otherPartition = item(P1, 9, image(), 0);
        inFlight.take(2);
        item(P0, 6, image(), 0);

        inFlight.rewound(List.of(P0));
        assertThat(inFlight.isCurrent(inModel)).as("would be published twice after the re-read").isFalse();
        assertThat(inFlight.isCurrent(otherPartition)).isTrue();
        assertThat(inFlight.queued()).isZero();
        WorkItem reread = item(P0, 5, image(), 0);
        assertThat(inFlight.isCurrent(reread)).isTrue();
    }

    @Test
    void revokingDropsQueuedWorkAndMarksTakenWorkStale() {
        inFlight.assigned(List.of(P0, P1));
        WorkItem taken = item(P0, 0, image(), 0);
        inFlight.take(1);
        item(P0, 1, image(), 0);
        WorkItem other = item(P1, 0, image(), 0);

        inFlight.revoked(List.of(P0));
        assertThat(inFlight.queued()).isEqualTo(1);
        assertThat(inFlight.isCurrent(taken)).isFalse();
        assertThat(inFlight.isCurrent(other)).isTrue();

        // Reassigned later: work read under the old assignment is still stale.
        inFlight.assigned(List.of(P0));
        assertThat(inFlight.isCurrent(taken)).isFalse();
    }
}
