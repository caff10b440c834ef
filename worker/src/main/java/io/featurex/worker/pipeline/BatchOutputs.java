package io.featurex.worker.pipeline;

import io.featurex.worker.sink.Output;
import io.featurex.worker.sink.OutputRecords;
import io.featurex.worker.source.Entry;
import io.featurex.worker.source.ImageOutcome;
import io.featurex.worker.source.InputRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The outputs of complete input records, one per image they name, in record order: a feature
 * for each vector, a dead letter for each failure.
 *
 * @param recordTimestamps the input record's timestamp for each output, for the end-to-end latency
 */
record BatchOutputs(List<Output> records, long[] recordTimestamps) {

    static BatchOutputs of(List<InputRecord> complete, OutputRecords outputs, Instant now) {
        List<Output> records = new ArrayList<>();
        List<Long> timestamps = new ArrayList<>();
        for (InputRecord input : complete) {
            var record = input.record();
            var source = OutputRecords.coordinates(record.topic(), record.partition(), record.offset());
            for (int i = 0; i < input.images(); i++) {
                Entry entry = input.entries().get(i);
                ImageOutcome outcome = input.outcome(i);
                if (outcome instanceof ImageOutcome.Feature feature && entry instanceof Entry.Ref ref) {
                    records.add(outputs.feature(
                            ref.id(), ref.ref(), source, feature.vector(), now, record.key(), record.value()));
                } else if (outcome instanceof ImageOutcome.Failed failed) {
                    String uri = entry instanceof Entry.Ref ref
                            ? ref.ref().getUri()
                            : ((Entry.Rejected) entry).ref() == null
                                    ? ""
                                    : ((Entry.Rejected) entry).ref().getUri();
                    records.add(outputs.deadLetter(
                            entry.id(), uri, failed.error(), source, record.key(), record.value(), now));
                } else {
                    throw new IllegalStateException(
                            "image " + i + " of " + source + " has no outcome it can publish: " + outcome);
                }
                timestamps.add(record.timestamp());
            }
        }
        return new BatchOutputs(
                records, timestamps.stream().mapToLong(Long::longValue).toArray());
    }
}
