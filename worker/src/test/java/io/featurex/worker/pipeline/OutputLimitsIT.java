package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.config.ConfigException;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.testing.TestKafka;
import io.featurex.worker.testing.WorkerHarness;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs whose outputs would be larger than their topics take, on a real broker with the topics'
 * real limits: each becomes exactly one output that fits, the good records behind it on the same
 * partition are processed, the worker never stops, and everything read is committed (a restart
 * finds nothing to redo). Before outputs were measured, the first of these crash-looped the worker
 * (RecordTooLargeException from the producer, fatal, the same record again after a restart).
 */
class OutputLimitsIT {

    /** The broker's default record limit, which new topics get. */
    private static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    @TempDir
    Path dir;

    @Test
    void inputsAtTheirTopicsLimitEachBecomeOneOutputThatFitsAndTheWorkerGoesOn() throws Exception {
        Path root = Files.createDirectories(dir.resolve("images"));
        Files.write(root.resolve("cat.jpg"), sample("cat.jpg"));
        String cat = root.resolve("cat.jpg").toUri().toString();
        // The input topic takes 16 MiB records, the outputs keep the broker's default (1 MiB).
        String input = TestKafka.newTopic(
                "big-images", 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(16 << 20)));
        Map<String, String> settings = new HashMap<>();
        settings.put("input.topic", input);
        settings.put("fetch.file-roots", root.toString());
        settings.put("fetch.inline-max-bytes", Integer.toString(8 << 20));

        Random random = new Random(7);
        List<byte[]> values = new ArrayList<>();
        List<String> expectFeatures = new ArrayList<>();
        // 1. Inline garbage at the producer's default request limit: the crash loop.
        values.add(inline("garbage-1mb", bytes(random, 1_048_400)));
        // 2. A valid image whose echoed attributes make a feature of about 1 MB.
        values.add(ImageRef.newBuilder()
                .setId("attributes-1mb")
                .setUri(cat)
                .putAttributes("note", "x".repeat(1_047_000))
                .build()
                .toByteArray());
        // 3. Inline bytes of 10 MB through a 16 MiB input topic: over fetch.inline-max-bytes.
        values.add(inline("inline-10mb", bytes(random, 10_000_000)));
        // 4. A valid image with an id far larger than any dead letter's text.
        values.add(ImageRef.newBuilder()
                .setId("long-id-" + "i".repeat(600_000))
                .setUri(cat)
                .build()
                .toByteArray());
        // A good record after each of them, with attributes that still fit.
        List<byte[]> interleaved = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            interleaved.add(values.get(i));
            String good = "good-" + i;
            interleaved.add(ImageRef.newBuilder()
                    .setId(good)
                    .setUri(cat)
                    .putAttributes("note", "y".repeat(200_000))
                    .build()
                    .toByteArray());
            expectFeatures.add(good);
        }

        try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 8, Preprocessing.CAFFE));
                WorkerHarness worker = new WorkerHarness(model, 1, settings).start()) {
            produce(input, interleaved);
            worker.awaitOutputs(interleaved.size());

            assertThat(worker.failure()).isNull();
            assertThat(worker.running()).isTrue();
            assertThat(worker.health.state()).isEqualTo(Health.State.RUNNING);
            assertThat(worker.duplicates).isZero();
            assertThat(worker.features.keySet()).containsExactlyInAnyOrderElementsOf(expectFeatures);
            assertThat(worker.features.get("good-0").getAttributesMap().get("note"))
                    .hasSize(200_000);
            assertThat(worker.deadLetterById).hasSize(4);

            DeadLetter garbage = worker.deadLetterById.get("garbage-1mb");
            assertThat(garbage.getCode()).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
            assertThat(garbage.getOriginalTruncated()).isTrue();
            assertThat(garbage.getOriginalValueSize()).isEqualTo(interleaved.get(0).length);
            assertThat(garbage.getOriginalValue().size()).isEqualTo(262_144);
            assertThat(garbage.getOriginalValue().toByteArray()).isEqualTo(Arrays.copyOf(interleaved.get(0), 262_144));

            DeadLetter attributes = worker.deadLetterById.get("attributes-1mb");
            assertThat(attributes.getCode()).isEqualTo(ErrorCode.OUTPUT_TOO_LARGE);
            assertThat(attributes.getMessage())
                    .contains("attributes 1047004 characters")
                    .contains("topic " + worker.output);
            assertThat(attributes.getOriginalTruncated()).isTrue();

            DeadLetter inline = worker.deadLetterById.get("inline-10mb");
            assertThat(inline.getCode()).isEqualTo(ErrorCode.INLINE_TOO_LARGE);
            assertThat(inline.getOriginalValueSize()).isEqualTo(interleaved.get(4).length);
            assertThat(inline.getOriginalTruncated()).isTrue();

            String longIdKey = worker.deadLetterById.keySet().stream()
                    .filter(k -> k.startsWith("long-id-"))
                    .findFirst()
                    .orElseThrow();
            DeadLetter longId = worker.deadLetterById.get(longIdKey);
            assertThat(longId.getCode()).isEqualTo(ErrorCode.OUTPUT_TOO_LARGE);
            assertThat(longId.getSource().getOffset()).isEqualTo(6);

            for (DeadLetter letter : worker.deadLetterById.values()) {
                assertThat(letter.getSerializedSize()).isLessThan(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
                assertThat(letter.getSource().getTopic()).isEqualTo(input);
            }
            // Everything read is committed: a worker starting now would find nothing to redo.
            assertThat(worker.committedOffsets()).isEqualTo(interleaved.size());
        }
    }

    /**
     * The broker refusing outputs although they were measured to fit (here: the output topic's
     * limit lowered under a running worker): each refused feature becomes the smallest dead letter
     * naming its input, in the same transaction as the rest, and the worker goes on.
     */
    @ParameterizedTest
    @ValueSource(strings = {"exactly-once", "at-least-once"})
    void anOutputTheBrokerRefusesBecomesItsOwnDeadLetterAndTheRestIsPublished(String delivery) throws Exception {
        Path root = Files.createDirectories(dir.resolve("images"));
        Files.write(root.resolve("cat.jpg"), sample("cat.jpg"));
        String cat = root.resolve("cat.jpg").toUri().toString();
        String output = TestKafka.newTopic("features", 1);
        Map<String, String> settings = Map.of(
                "fetch.file-roots",
                root.toString(),
                "output.topic",
                output,
                "delivery",
                delivery,
                "batch.max-size",
                "4");

        try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 8, Preprocessing.CAFFE));
                WorkerHarness worker = new WorkerHarness(model, 1, settings).start()) {
            worker.send(List.of(
                    ImageRef.newBuilder().setId("before").setUri(cat).build().toByteArray()));
            worker.awaitOutputs(1);
            assertThat(worker.features).containsKey("before");

            // Attributes of 4,000 random letters do not compress below 2,000 bytes, a small dead letter does.
            setMaxMessageBytes(output, 2_000);
            List<byte[]> refused = new ArrayList<>();
            Random random = new Random(3);
            for (int i = 0; i < 3; i++) {
                StringBuilder noise = new StringBuilder();
                random.ints(4_000, 'a', 'z' + 1).forEach(c -> noise.append((char) c));
                refused.add(ImageRef.newBuilder()
                        .setId("refused-" + i)
                        .setUri(cat)
                        .putAttributes("noise", noise.toString())
                        .build()
                        .toByteArray());
            }
            refused.add(ImageRef.newBuilder()
                    .setId("bad-uri")
                    .setUri(root.resolve("missing.jpg").toUri().toString())
                    .build()
                    .toByteArray());
            worker.send(refused);
            worker.awaitOutputs(1 + refused.size());
            setMaxMessageBytes(output, KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
            worker.send(List.of(
                    ImageRef.newBuilder().setId("after").setUri(cat).build().toByteArray()));
            worker.awaitOutputs(2 + refused.size());

            assertThat(worker.failure()).isNull();
            assertThat(worker.running()).isTrue();
            assertThat(worker.duplicates).isZero();
            assertThat(worker.features.keySet()).containsExactlyInAnyOrder("before", "after");
            for (int i = 0; i < 3; i++) {
                DeadLetter letter = worker.deadLetterById.get("refused-" + i);
                assertThat(letter.getCode()).isEqualTo(ErrorCode.OUTPUT_TOO_LARGE);
                assertThat(letter.getMessage()).contains("the broker refused its feature");
                assertThat(letter.getSource().getOffset()).isEqualTo(1 + i);
            }
            assertThat(worker.deadLetterById.get("bad-uri").getCode()).isEqualTo(ErrorCode.FILE_NOT_FOUND);
            assertThat(worker.committedOffsets()).isEqualTo(6);
            assertThat(worker.counter("featurex_dead_letters")).isEqualTo(4.0);
            assertThat(worker.counter("featurex_images")).isEqualTo(6.0);
        }
    }

    @Test
    void settingsThatCannotFitTheTopicsAreRefusedAtStartUpAllAtOnce() {
        String deadLetters =
                TestKafka.newTopic("dead-letters", 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "100000"));
        Map<String, String> settings = Map.of(
                "dead-letter.topic",
                deadLetters,
                "dead-letter.max-original-bytes",
                "200000",
                "fetch.inline-max-bytes",
                Integer.toString(8 << 20),
                "input.max-images-per-record",
                "100000");
        Throwable thrown = Assertions.catchThrowable(() -> {
            try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 8, Preprocessing.CAFFE))) {
                new WorkerHarness(model, 1, settings).close();
            }
        });
        assertThat(thrown).isInstanceOf(ConfigException.class);
        List<String> problems = ((ConfigException) thrown).problems();
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0))
                .startsWith("dead-letter.max-original-bytes")
                .contains("topic " + deadLetters)
                .contains("lower it to");
        assertThat(problems.get(1)).startsWith("fetch.inline-max-bytes").contains("could never arrive");
        assertThat(problems.get(2)).startsWith("input.max-images-per-record").contains("buffer.memory");
    }

    private static void setMaxMessageBytes(String topic, int bytes) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Collection<AlterConfigOp> ops = List.of(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes)),
                AlterConfigOp.OpType.SET));
        TestKafka.admin().incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
        // The broker applies it from the metadata log: wait until it reports it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String value = TestKafka.admin()
                    .describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
                    .value();
            if (value.equals(Integer.toString(bytes))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("max.message.bytes of " + topic + " never became " + bytes);
    }

    private static void produce(String topic, List<byte[]> values) {
        Map<String, Object> config = TestKafka.producerConfig();
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
    }

    private static byte[] inline(String id, byte[] bytes) {
        return ImageRef.newBuilder()
                .setId(id)
                .setInline(ByteString.copyFrom(bytes))
                .build()
                .toByteArray();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] sample(String name) throws Exception {
        try (InputStream in = OutputLimitsIT.class.getResourceAsStream("/io/featurex/embedded/samples/" + name)) {
            return in.readAllBytes();
        }
    }
}
