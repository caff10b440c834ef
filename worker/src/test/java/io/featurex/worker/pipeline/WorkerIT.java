package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.v1.ModelIdentity;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.testing.WorkerHarness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole path on a real broker with the real VGG16 graph (seeded weights). */
class WorkerIT {

    private static final List<String> SAMPLES = List.of(
            "cat.jpg",
            "cat-crop.jpg",
            "coffee.jpg",
            "rocket.jpg",
            "astronaut.png",
            "hubble-deep-field.jpg",
            "camera.png",
            "horse.png");

    @TempDir
    static Path images;

    private static FeatureExtractor model;
    private static HttpServer http;
    private static String httpBase;

    @BeforeAll
    static void setUp() throws Exception {
        for (String name : SAMPLES) {
            Files.write(images.resolve(name), sample(name));
        }
        model = ModelLoader.load(ModelSpec.seeded(42, 1, Preprocessing.CAFFE));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/images/", exchange -> {
            Path file = images.resolve(exchange.getRequestURI().getPath().substring("/images/".length()));
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.setExecutor(Executors.newFixedThreadPool(2));
        http.start();
        httpBase = "http://127.0.0.1:" + http.getAddress().getPort() + "/images/";
    }

    @AfterAll
    static void tearDown() {
        if (http != null) {
            http.stop(0);
        }
        if (model != null) {
            model.close();
        }
    }

    private static Map<String, String> settings(String... pairs) {
        Map<String, String> settings = new HashMap<>();
        settings.put("fetch.file-roots", images.toString());
        settings.put("fetch.allow-private-addresses", "true"); // the test's HTTP server is on loopback
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    private static ImageRef fileRef(String name) {
        return ImageRef.newBuilder()
                .setId("file/" + name)
                .setUri(images.resolve(name).toUri().toString())
                .putAttributes("via", "file")
                .build();
    }

    private static ImageRef httpRef(String name) {
        return ImageRef.newBuilder()
                .setId("http/" + name)
                .setUri(httpBase + name)
                .putAttributes("via", "http")
                .build();
    }

    private static ImageRef inlineRef(String name) throws IOException {
        return ImageRef.newBuilder()
                .setId("inline/" + name)
                .setInline(ByteString.copyFrom(sample(name)))
                .putAttributes("via", "inline")
                .build();
    }

    @Test
    void fileHttpAndInlineRefsAllBecomeFeatureVectors() throws Exception {
        List<ImageRef> refs = new ArrayList<>();
        for (int i = 0; i < SAMPLES.size(); i++) {
            String name = SAMPLES.get(i);
            refs.add(
                    switch (i % 3) {
                        case 0 -> fileRef(name);
                        case 1 -> httpRef(name);
                        default -> inlineRef(name);
                    });
        }
        try (WorkerHarness worker = new WorkerHarness(model, 3, settings("batch.max-size", "4")).start()) {
            worker.send(refs.stream().map(ImageRef::toByteArray).toList());
            worker.awaitOutputs(refs.size());

            assertThat(worker.deadLetterById).isEmpty();
            assertThat(worker.duplicates).isZero();
            assertThat(worker.features.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            refs.stream().map(ImageRef::getId).toList());
            for (ImageRef ref : refs) {
                FeatureVector v = worker.features.get(ref.getId());
                assertThat(v.getDimension()).isEqualTo(512);
                assertThat(v.getValuesCount()).isEqualTo(512);
                for (float x : v.getValuesList()) {
                    assertThat(Float.isFinite(x)).isTrue();
                }
                assertThat(v.getValuesList()).anyMatch(x -> x != 0f);
                assertThat(v.getSourceUri()).isEqualTo(ref.getUri());
                assertThat(v.getAttributesMap()).isEqualTo(ref.getAttributesMap());
                assertThat(v.getSource().getTopic()).isEqualTo(worker.input);
                assertThat(v.getExtractedTime().getSeconds()).isPositive();
                ModelIdentity m = v.getModel();
                assertThat(m.getArchitecture()).isEqualTo("vgg16-notop-avgpool");
                assertThat(m.getWeightsSource()).isEqualTo(ModelIdentity.WeightsSource.RANDOM);
                assertThat(m.getWeightsDigest()).isEqualTo("random:seed=42");
                assertThat(m.getPreprocessing()).isEqualTo(ModelIdentity.Preprocessing.CAFFE);
                assertThat(m.getInputSize()).isEqualTo(224);
            }
            // The same picture through three different sources is the same vector.
            assertThat(maxAbsDiff(worker.features.get("file/cat.jpg"), worker.features.get("http/cat-crop.jpg")))
                    .as("different pictures differ")
                    .isGreaterThan(1e-3);
            assertThat(worker.committedOffsets())
                    .as("every input's offset committed")
                    .isEqualTo(refs.size());

            assertThat(worker.counter("featurex_images")).isEqualTo(refs.size());
            double batches = worker.counter("featurex_batches");
            assertThat(batches).isBetween(2.0, (double) refs.size()); // at most 4 per batch
            assertThat(worker.histogramCount("featurex_batch_size_images", null, null))
                    .isEqualTo((long) batches);
            for (String stage : List.of("fetch", "decode", "queue")) {
                assertThat(worker.histogramCount("featurex_stage_duration_seconds", "stage", stage))
                        .as(stage)
                        .isEqualTo(refs.size());
            }
            assertThat(worker.histogramCount("featurex_stage_duration_seconds", "stage", "inference"))
                    .isEqualTo((long) batches);
            assertThat(worker.histogramCount("featurex_end_to_end_latency_seconds", null, null))
                    .isEqualTo(refs.size());
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!(worker.gauge("featurex_consumer_lag_sum_records") == 0.0) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(worker.gauge("featurex_consumer_lag_sum_records"))
                    .as("lag once all is committed")
                    .isZero();
            assertThat(worker.gauge("featurex_assigned_partitions")).isEqualTo(3);
        }
    }

    @Test
    void lagCountsWhatIsNotYetCommitted() throws Exception {
        List<byte[]> refs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            refs.add(fileRef(SAMPLES.get(i)).toByteArray());
        }
        // Batches held back for a minute: nothing can be committed, so the lag is everything sent.
        try (WorkerHarness worker = new WorkerHarness(
                model,
                2,
                settings("batch.max-size", "64", "pipeline.max-in-flight", "64", "batch.max-delay-ms", "60000"))) {
            worker.send(refs);
            worker.start();
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!(worker.gauge("featurex_consumer_lag_sum_records") == refs.size())
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(worker.gauge("featurex_consumer_lag_sum_records")).isEqualTo(refs.size());
            assertThat(worker.gauge("featurex_images_in_flight")).isEqualTo(refs.size());
        }
    }

    @Test
    void badInputsBecomeDeadLettersWhileTheGoodOnesAroundThemGoThrough() throws Exception {
        byte[] missing = ImageRef.newBuilder()
                .setId("missing")
                .setUri(images.resolve("nope.jpg").toUri().toString())
                .build()
                .toByteArray();
        byte[] undecodable = ImageRef.newBuilder()
                .setId("garbage")
                .setInline(ByteString.copyFromUtf8("these bytes are no image at all"))
                .build()
                .toByteArray();
        byte[] notAnImageRef = "{\"uri\": \"file:///tmp/x.jpg\"}".getBytes(StandardCharsets.UTF_8);
        List<byte[]> values = List.of(
                fileRef("cat.jpg").toByteArray(),
                missing,
                fileRef("coffee.jpg").toByteArray(),
                undecodable,
                notAnImageRef,
                fileRef("rocket.jpg").toByteArray());

        try (WorkerHarness worker = new WorkerHarness(model, 1, settings()).start()) {
            worker.send(values);
            worker.awaitOutputs(values.size());

            assertThat(worker.duplicates).isZero();
            assertThat(worker.features.keySet())
                    .containsExactlyInAnyOrder("file/cat.jpg", "file/coffee.jpg", "file/rocket.jpg");
            assertThat(worker.deadLetterById).hasSize(3);
            assertThat(worker.deadLetterById.get("missing").getCode()).isEqualTo(ErrorCode.FILE_NOT_FOUND);
            assertThat(worker.deadLetterById.get("garbage").getCode()).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
            String coordinatesId = worker.input + "-0-4";
            DeadLetter malformed = worker.deadLetterById.get(coordinatesId);
            assertThat(malformed.getCode()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
            assertThat(malformed.getOriginalValue().toByteArray()).isEqualTo(notAnImageRef);
            assertThat(malformed.getOriginalKey().toStringUtf8()).isEqualTo("4");
            assertThat(malformed.getSource().getOffset()).isEqualTo(4);
            assertThat(malformed.getMessage()).isNotBlank();
            assertThat(malformed.getWorkerId()).isNotBlank();
            Map<String, String> headers = worker.deadLetterHeaders.get(coordinatesId);
            assertThat(headers)
                    .containsEntry("__connect.errors.topic", worker.input)
                    .containsEntry("__connect.errors.partition", "0")
                    .containsEntry("__connect.errors.offset", "4")
                    .containsEntry("featurex.error.code", "MALFORMED_MESSAGE")
                    .containsKey("__connect.errors.exception.class.name")
                    .containsEntry("__connect.errors.exception.message", malformed.getMessage());
            assertThat(worker.counter("featurex_dead_letters")).isEqualTo(3);
            assertThat(worker.committedOffsets()).isEqualTo(values.size());
        }
    }

    @Test
    void anImageGetsTheSameVectorAloneOrInABatchAndAcrossWorkerRuns() throws Exception {
        List<byte[]> refs = new ArrayList<>();
        for (String name : SAMPLES) {
            refs.add(fileRef(name).toByteArray());
        }
        Map<String, FeatureVector> alone;
        try (WorkerHarness one = new WorkerHarness(model, 1, settings("batch.max-size", "1")).start()) {
            one.send(refs);
            alone = one.awaitOutputs(refs.size()).features;
            assertThat(one.counter("featurex_batches")).isEqualTo(SAMPLES.size());
        }
        // A second run with its own, freshly loaded model, holding batches until they are full.
        try (FeatureExtractor reloaded = ModelLoader.load(ModelSpec.seeded(42, 1, Preprocessing.CAFFE));
                WorkerHarness batched = new WorkerHarness(
                        reloaded, 1, settings("batch.max-size", "8", "batch.max-delay-ms", "30000"))) {
            batched.send(refs);
            batched.start().awaitOutputs(refs.size());
            assertThat(batched.counter("featurex_batches")).as("one full batch").isEqualTo(1);
            assertThat(batched.features.keySet()).isEqualTo(alone.keySet());
            for (String id : alone.keySet()) {
                assertThat(maxAbsDiff(alone.get(id), batched.features.get(id)))
                        .as(id)
                        .isLessThanOrEqualTo(1e-5);
            }
        }
    }

    @Test
    void atLeastOnceModePublishesAndCommitsToo() throws Exception {
        List<byte[]> refs =
                List.of(fileRef("cat.jpg").toByteArray(), fileRef("horse.png").toByteArray());
        try (WorkerHarness worker = new WorkerHarness(model, 2, settings("delivery", "at-least-once")).start()) {
            worker.send(refs);
            worker.awaitOutputs(refs.size());
            assertThat(worker.features).containsOnlyKeys("file/cat.jpg", "file/horse.png");
            assertThat(worker.committedOffsets()).isEqualTo(refs.size());
        }
    }

    private static double maxAbsDiff(FeatureVector a, FeatureVector b) {
        double max = 0;
        for (int i = 0; i < a.getValuesCount(); i++) {
            max = Math.max(max, Math.abs(a.getValues(i) - b.getValues(i)));
        }
        return max;
    }

    private static byte[] sample(String name) throws IOException {
        try (InputStream in = WorkerIT.class.getResourceAsStream("/io/featurex/embedded/samples/" + name)) {
            return in.readAllBytes();
        }
    }
}
