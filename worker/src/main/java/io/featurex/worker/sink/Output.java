package io.featurex.worker.sink;

import io.featurex.v1.ErrorCode;
import io.featurex.v1.SourceCoordinates;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One record to publish: a FeatureVector or a DeadLetter, already serialised, with its headers,
 * and the image it stands for (so that a record the broker refuses can still be accounted for).
 *
 * @param code the dead letter's error code; null for a feature
 */
public record Output(
        String topic,
        byte[] key,
        byte[] value,
        List<Header> headers,
        String id,
        SourceCoordinates source,
        ErrorCode code) {

    public Output {
        headers = List.copyOf(headers);
    }

    public boolean isFeature() {
        return code == null;
    }

    static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    ProducerRecord<byte[], byte[]> toRecord() {
        return new ProducerRecord<>(topic, null, key, value, headers);
    }
}
