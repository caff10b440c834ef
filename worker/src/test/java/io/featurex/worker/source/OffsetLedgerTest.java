package io.featurex.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private final OffsetLedger ledger = new OffsetLedger();

    @Test
    void onlyTheCompleteRecordsAtAPartitionsHeadMayBeCommittedSoOffsetsStayContiguous() {
        ledger.assigned(List.of(P0));
        InputRecord a = read(P0, 0, 1);
        InputRecord b = read(P0, 1, 1);
        InputRecord c = read(P0, 2, 1);
        c.complete(0, feature());
        b.complete(0, feature());
        assertThat(ledger.takeCommittable().isEmpty())
                .as("offset 0 is not done: nothing behind it may go")
                .isTrue();
        a.complete(0, feature());
        OffsetLedger.Committable committable = ledger.takeCommittable();
        assertThat(committable.records()).containsExactly(a, b, c);
        assertThat(committable.offsets().get(P0).offset()).isEqualTo(3);
        assertThat(committable.firstOffsets()).containsEntry(P0, 0L);
        assertThat(ledger.images()).isZero();
    }

    @Test
    void aRecordOfManyImagesIsCommittableOnlyOnceEveryImageHasItsOutcome() {
        ledger.assigned(List.of(P0));
        InputRecord many = read(P0, 0, 2_000);
        assertThat(ledger.images()).isEqualTo(2_000);
        for (int i = 0; i < 1_999; i++) {
            many.complete(i, feature());
        }
        assertThat(ledger.takeCommittable().isEmpty()).isTrue();
        many.complete(1_999, new ImageOutcome.Failed(new BadInputException(ErrorCode.FETCH_FAILED, "gone")));
        assertThat(ledger.takeCommittable().records()).containsExactly(many);
        assertThatThrownBy(() -> many.complete(3, feature())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void partitionsAreCommittedEachAsFarAsItsOwnHeadAllows() {
        ledger.assigned(List.of(P0, P1));
        InputRecord p0 = read(P0, 10, 1);
        read(P1, 20, 1);
        InputRecord p1done = read(P1, 21, 1);
        p0.complete(0, feature());
        p1done.complete(0, feature());
        OffsetLedger.Committable committable = ledger.takeCommittable();
        assertThat(committable.records()).containsExactly(p0);
        assertThat(committable.offsets()).containsOnlyKeys(P0);
        assertThat(ledger.images(P1)).isEqualTo(2);
    }

    @Test
    void rejectedEntriesAreCompleteFromTheStart() {
        ledger.assigned(List.of(P0));
        InputRecord rejected = ledger.read(
                record(P0, 0),
                List.of(new Entry.Rejected("x", null, new BadInputException(ErrorCode.MALFORMED_MESSAGE, "no"))),
                0);
        assertThat(rejected.isComplete()).isTrue();
        assertThat(ledger.takeCommittable().records()).containsExactly(rejected);
    }

    @Test
    void rewindingDropsEverythingReadFromThePartitionAndStartsANewEpoch() {
        ledger.assigned(List.of(P0, P1));
        InputRecord before = read(P0, 0, 3);
        InputRecord other = read(P1, 0, 1);
        List<InputRecord> dropped = ledger.rewound(List.of(P0));
        assertThat(dropped).containsExactly(before);
        assertThat(before.dropped()).isTrue();
        assertThat(other.dropped()).isFalse();
        assertThat(ledger.images()).isEqualTo(1);
        InputRecord again = read(P0, 0, 3);
        assertThat(again.epoch()).isGreaterThan(before.epoch());
    }

    @Test
    void revokingDropsThePartitionsRecordsAndRefusesItsLateRecords() {
        ledger.assigned(List.of(P0));
        InputRecord open = read(P0, 0, 1);
        assertThat(ledger.revoked(List.of(P0))).containsExactly(open);
        assertThat(open.dropped()).isTrue();
        assertThat(ledger.images()).isZero();
        assertThat(ledger.imagesByPartition()).isEmpty();
        assertThatThrownBy(() -> read(P0, 1, 1)).isInstanceOf(IllegalStateException.class);
    }

    private InputRecord read(TopicPartition partition, long offset, int images) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            entries.add(new Entry.Ref(
                    "id-" + offset + "-" + i,
                    ImageRef.newBuilder().setUri("file:///" + i).build()));
        }
        return ledger.read(record(partition, offset), entries, 0);
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, new byte[0], new byte[0]);
    }

    private static ImageOutcome feature() {
        return new ImageOutcome.Feature(new float[512]);
    }
}
