package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.cli.TestAccess;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.replay.DeadLetterReplay;
import io.featurex.worker.testing.S3Server;
import io.featurex.worker.testing.TestKafka;
import io.featurex.worker.testing.WorkerHarness;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Nothing lost, in practice: an event whose object is not there yet (replication lag) becomes a
 * dead letter; once the object arrives, `featurex replay` sends the event back and the worker
 * makes its feature.
 */
class DeadLetterReplayIT {

    @Test
    void aDeadLetterReplayedAfterItsCauseIsMendedBecomesAFeature() throws Exception {
        byte[] image;
        try (InputStream in = getClass().getResourceAsStream("/io/featurex/embedded/samples/cat.jpg")) {
            image = in.readAllBytes();
        }
        // A single PUT's ETag is the MD5 of the bytes: the event can name it before the object exists here.
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(image));
        String event = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"eventTime\":\"2026-11-25T10:00:00.000Z\","
                + "\"s3\":{\"bucket\":{\"name\":\"photos\"},\"object\":{\"key\":\"late.jpg\",\"size\":" + image.length
                + ",\"eTag\":\"" + etag + "\"}}}]}";
        String id = "photos/late.jpg@" + etag;

        try (S3Server s3 = S3Server.start().exportCredentials();
                FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 8, Preprocessing.CAFFE))) {
            s3.createBucket("photos");
            Map<String, String> settings = new HashMap<>(s3.workerSettings());
            settings.put("input.format", "s3-event");
            try (WorkerHarness worker = new WorkerHarness(model, 1, settings).start()) {
                worker.send(List.of(event.getBytes(StandardCharsets.UTF_8)));
                worker.awaitOutputs(1);
                assertThat(worker.deadLetterById.get(id).getCode()).isEqualTo(ErrorCode.OBJECT_NOT_FOUND);

                Map<String, Object> kafka =
                        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
                String group = TestKafka.newGroupId("replay");
                DeadLetterReplay.Options options = new DeadLetterReplay.Options(
                        worker.deadLetters,
                        Set.of(ErrorCode.OBJECT_NOT_FOUND, ErrorCode.ACCESS_DENIED),
                        Optional.empty(),
                        group,
                        false);

                DeadLetterReplay.Summary dry = replay(
                        kafka,
                        new DeadLetterReplay.Options(
                                worker.deadLetters, options.codes(), Optional.empty(), group, true));
                assertThat(dry.sent()).isEqualTo(1);

                s3.put("photos", "late.jpg", image);
                DeadLetterReplay.Summary first = replay(kafka, options);
                assertThat(first.read()).isEqualTo(1);
                assertThat(first.sent())
                        .as("the dry run sent and committed nothing")
                        .isEqualTo(1);
                assertThat(first.byCode()).containsExactly(Map.entry(ErrorCode.OBJECT_NOT_FOUND, 1));

                worker.awaitOutputs(2);
                assertThat(worker.features).containsKey(id);
                assertThat(worker.features.get(id).getAttributesMap()).containsEntry("s3.etag", etag);
                assertThat(worker.duplicates).isZero();

                DeadLetterReplay.Summary second = replay(kafka, options);
                assertThat(second.read())
                        .as("the group remembers what was replayed")
                        .isZero();
                assertThat(second.sent()).isZero();
                // The command a user runs: same group, nothing new to send, exit 0.
                assertThat(TestAccess.execute(
                                "replay",
                                "--bootstrap-servers",
                                TestKafka.bootstrapServers(),
                                "--dead-letter-topic",
                                worker.deadLetters,
                                "--group",
                                group,
                                "--code",
                                "OBJECT_NOT_FOUND"))
                        .isZero();
                assertThat(worker.features).hasSize(1);
            }
        }
    }

    /** A dead letter keeps only a prefix of a large input; replay sends the whole input, read from its topic. */
    @Test
    void aTruncatedDeadLetterIsReplayedWithTheWholeInputFromItsTopic() throws Exception {
        byte[] garbage = new byte[600_000];
        new Random(5).nextBytes(garbage);
        byte[] input = ImageRef.newBuilder()
                .setId("big")
                .setInline(ByteString.copyFrom(garbage))
                .build()
                .toByteArray();
        try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 8, Preprocessing.CAFFE));
                WorkerHarness worker = new WorkerHarness(model, 1, Map.of()).start()) {
            worker.send(List.of(input));
            worker.awaitOutputs(1);
            DeadLetter letter = worker.deadLetterById.get("big");
            assertThat(letter.getOriginalTruncated()).isTrue();
            assertThat(letter.getOriginalValue().size()).isEqualTo(262_144);

            String target = TestKafka.newTopic("replayed", 1);
            Map<String, Object> kafka =
                    Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            DeadLetterReplay.Summary summary = replay(
                    kafka,
                    new DeadLetterReplay.Options(
                            worker.deadLetters, Set.of(), Optional.of(target), TestKafka.newGroupId("replay"), false));
            assertThat(summary.sent()).isEqualTo(1);
            assertThat(summary.lost()).isZero();

            try (var consumer = new KafkaConsumer<byte[], byte[]>(
                    TestKafka.consumerConfig(TestKafka.newGroupId("reader")),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(target));
                List<byte[]> received = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
                }
                assertThat(received).hasSize(1);
                assertThat(received.get(0)).isEqualTo(input);
            }
        }
    }

    private static DeadLetterReplay.Summary replay(Map<String, Object> kafka, DeadLetterReplay.Options options) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DeadLetterReplay.Summary summary =
                DeadLetterReplay.run(kafka, options, new PrintStream(log, true, StandardCharsets.UTF_8));
        System.out.print(log.toString(StandardCharsets.UTF_8));
        return summary;
    }
}
