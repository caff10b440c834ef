package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.worker.testing.ExactlyOnce;
import io.featurex.worker.testing.ForkedWorker;
import io.featurex.worker.testing.S3Server;
import io.featurex.worker.testing.TestKafka;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One S3 event record naming thousands of objects, into a worker process with the launcher's heap
 * cap, from the in-process S3 server: its images go through fetch, decode and the model as the
 * pipeline's bounds admit them, only their vectors wait for the record's last one, and its 2,000
 * features and its offset commit together, exactly once. A record over the cap is one dead letter;
 * the records behind both are processed. Before, the first record's images were all fetched and
 * decoded at once and held until the record was done: out of memory at 768 MB, a crash loop.
 */
class ManyImagesIT {

    private static final int IMAGES = 2_000;
    private static final int CAP = 2_500;
    private static final long RSS_BOUND = 1536L << 20;

    @TempDir
    Path dir;

    @Test
    void aRecordOfTwoThousandImagesBecomesTwoThousandFeaturesInBoundedMemory() throws Exception {
        byte[] image;
        try (InputStream in = getClass().getResourceAsStream("/io/featurex/embedded/samples/cat-crop.jpg")) {
            image = in.readAllBytes();
        }
        String input = TestKafka.newTopic("events", 1);
        String output = TestKafka.newTopic("features", 1);
        String deadLetters = TestKafka.newTopic("dead-letters", 1);
        try (S3Server s3 = S3Server.start()) {
            s3.createBucket("photos");
            List<String> objects = new ArrayList<>();
            String etag = null;
            for (int i = 0; i < IMAGES; i++) {
                String key = String.format("many/img-%04d.jpg", i);
                etag = s3.put("photos", key, image); // the same bytes: the ETag is their MD5
                objects.add(key);
            }
            s3.put("photos", "single.jpg", image);
            List<String> expected = new ArrayList<>();
            for (String key : objects) {
                expected.add("photos/" + key + "@" + etag);
            }
            List<String> overCap = new ArrayList<>();
            for (int i = 0; i < CAP + 1; i++) {
                overCap.add(String.format("over/img-%04d.jpg", i));
            }

            List<String> args = new ArrayList<>(List.of(
                    "--bootstrap-servers",
                    TestKafka.bootstrapServers(),
                    "--input-topic",
                    input,
                    "--input-format",
                    "s3-event",
                    "--output-topic",
                    output,
                    "--dead-letter-topic",
                    deadLetters,
                    "--group-id",
                    TestKafka.newGroupId("many"),
                    "--model-width-divisor",
                    "8",
                    "--batch-max-size",
                    "16",
                    "--input-max-images-per-record",
                    Integer.toString(CAP),
                    "--s3-endpoint",
                    s3.endpoint().toString(),
                    "--s3-path-style",
                    "true",
                    "--s3-region",
                    "us-east-1"));
            Map<String, String> credentials =
                    Map.of("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
            try (ForkedWorker worker = new ForkedWorker("many-images", args, dir)
                    .heap("768m")
                    .env(credentials)
                    .start()) {
                worker.awaitReady(Duration.ofMinutes(2));

                // A record of one image first: the worker's memory at its ordinary work.
                produce(input, List.of(event(List.of("single.jpg"), etag)));
                String single = "photos/single.jpg@" + etag;
                ExactlyOnce first = ExactlyOnce.read(
                        TestKafka.bootstrapServers(), output, deadLetters, List.of(single), Duration.ofMinutes(2));
                assertThat(first.missing(List.of(single))).isEmpty();
                long singleRss = worker.peakRssBytes();

                byte[] many = event(objects, etag);
                assertThat(many.length)
                        .as("under the broker's default record limit")
                        .isLessThan(1_000_000);
                byte[] tooMany = event(overCap, etag);
                assertThat(tooMany.length).isLessThan(1_048_000);
                produce(
                        input,
                        List.of(
                                many,
                                tooMany,
                                event(List.of("single.jpg"), etag).clone()));

                List<String> all = new ArrayList<>(expected);
                all.add(single);
                String overCapId = input + "-0-2";
                all.add(overCapId);
                ExactlyOnce result =
                        ExactlyOnce.read(TestKafka.bootstrapServers(), output, deadLetters, all, Duration.ofMinutes(5));
                long manyRss = worker.peakRssBytes();
                System.out.printf(
                        "ManyImagesIT: peak RSS %d MiB after a record of 1 image, %d MiB after one of %d images (-Xmx768m)%n",
                        singleRss >> 20, manyRss >> 20, IMAGES);

                assertThat(worker.isAlive())
                        .as("the worker survives; log: " + worker.log())
                        .isTrue();
                assertThat(result.missing(all)).isEmpty();
                assertThat(result.unexpected(all)).isEmpty();
                // The single image was sent twice under one id: its two outputs are the only repeat.
                assertThat(result.seen.get(single)).isEqualTo(2);
                assertThat(result.duplicated()).containsOnlyKeys(single);
                assertThat(result.features).isEqualTo(IMAGES + 2);
                assertThat(result.deadLetters).isEqualTo(1);
                assertThat(manyRss).isLessThan(RSS_BOUND);
                assertThat(deadLetterCode(output, deadLetters, overCapId)).isEqualTo(ErrorCode.TOO_MANY_IMAGES);
                assertThat(worker.terminate(Duration.ofSeconds(30))).isIn(0, 143);
            }
        }
    }

    private static ErrorCode deadLetterCode(String output, String deadLetters, String id) throws Exception {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(
                TestKafka.consumerConfig(TestKafka.newGroupId("dl")),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(deadLetters));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    DeadLetter letter = DeadLetter.parseFrom(record.value());
                    if (letter.getId().equals(id)) {
                        return letter.getCode();
                    }
                }
            }
        }
        throw new AssertionError("no dead letter " + id);
    }

    /** An S3 notification with one object-created record per key, as S3 and MinIO write them. */
    private static byte[] event(List<String> keys, String etag) {
        StringJoiner records = new StringJoiner(",", "{\"Records\":[", "]}");
        for (String key : keys) {
            records.add("{\"eventName\":\"ObjectCreated:Put\",\"eventTime\":\"2026-12-01T10:00:00.000Z\","
                    + "\"s3\":{\"bucket\":{\"name\":\"photos\"},\"object\":{\"key\":\"" + key + "\",\"eTag\":\"" + etag
                    + "\"}}}");
        }
        return records.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void produce(String topic, List<byte[]> values) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(TestKafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
    }
}
