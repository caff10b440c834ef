package io.featurex.worker.sink;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** One record to publish: a FeatureVector or a DeadLetter, already serialised, with its headers. */
public record Output(String topic, byte[] key, byte[] value, List<Header> headers) {

    public Output {
        headers = List.copyOf(headers);
    }

    public Output(String topic, byte[] key, byte[] value) {
        this(topic, key, value, List.of());
    }

    static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    ProducerRecord<byte[], byte[]> toRecord() {
        return new ProducerRecord<>(topic, null, key, value, headers);
    }
}
