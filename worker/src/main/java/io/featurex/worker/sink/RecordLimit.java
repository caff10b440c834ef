package io.featurex.worker.sink;

import org.apache.kafka.common.header.Header;

/**
 * The largest record one output topic takes from this worker: the topic's {@code
 * max.message.bytes} (checked by the broker on the compressed batch) and the producer's {@code
 * max.request.size} (checked by the producer on the uncompressed record). Outputs are measured
 * against it before they are sent, so that no output is ever refused for its size.
 */
public record RecordLimit(String topic, long topicMaxBytes, long producerMaxBytes) {

    /**
     * Record format v2 around one record, at most: the batch header (61 bytes) plus the record's
     * own varints (length, attributes, timestamp and offset deltas, key and value lengths, header
     * count) at their widest.
     */
    static final int RECORD_OVERHEAD = 61 + 5 + 1 + 10 + 5 + 5 + 5 + 5;
    /** Per header, its two varint lengths at their widest. */
    static final int HEADER_OVERHEAD = 10;

    public RecordLimit {
        if (topicMaxBytes < 1 || producerMaxBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + topicMaxBytes + ", " + producerMaxBytes);
        }
    }

    /**
     * The largest size an output's record may have, by the upper bound of {@link #sizeOf}. A
     * compressed batch can be larger than its records when they do not compress (vectors,
     * already-compressed images): lz4, gzip and zstd then store raw blocks at a few bytes per 64
     * KiB, far inside the 1/256 plus 64 bytes kept back here.
     */
    public long maxRecordBytes() {
        long broker = Math.max(0, (topicMaxBytes - 64) * 256 / 257);
        return Math.min(producerMaxBytes, broker);
    }

    /** The largest value a record of this key and these headers may carry. */
    long maxValueBytes(int keyBytes, Iterable<Header> headers) {
        return maxRecordBytes() - sizeOf(keyBytes, 0, headers);
    }

    boolean fits(Output output) {
        return sizeOf(output) <= maxRecordBytes();
    }

    static long sizeOf(Output output) {
        return sizeOf(
                output.key() == null ? 0 : output.key().length,
                output.value() == null ? 0 : output.value().length,
                output.headers());
    }

    /** An upper bound of the record's size in a batch of its own, uncompressed. */
    static long sizeOf(int keyBytes, int valueBytes, Iterable<Header> headers) {
        long size = RECORD_OVERHEAD + (long) keyBytes + valueBytes;
        for (Header h : headers) {
            size += HEADER_OVERHEAD + h.key().length() * 3L + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    /** For error messages: what the topic takes, and which limit decides it. */
    String describe() {
        return "topic " + topic + " takes records of up to " + maxRecordBytes() + " bytes (max.message.bytes="
                + topicMaxBytes + ", producer max.request.size=" + producerMaxBytes + ")";
    }
}
