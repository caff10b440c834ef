package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.v1.ModelIdentity;
import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.testing.TestKafka;
import io.featurex.worker.testing.WorkerHarness;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * A real worker (full-width VGG16, seeded weights) over originals, near-duplicates and unrelated
 * photos on a real broker; the index built from its output topic; queries by id, by image file
 * and over HTTP.
 */
class SimilarIT {

    /** Pictures with near-duplicates; each id is "picture/version". */
    private static final List<String> PICTURES = List.of("cat.jpg", "coffee.jpg", "astronaut.png");

    private static final List<String> UNRELATED =
            List.of("rocket.jpg", "hubble-deep-field.jpg", "camera.png", "horse.png");

    @TempDir
    static Path images;

    private static FeatureExtractor model;
    private static WorkerHarness worker;
    /** id -> file the worker read. */
    private static final Map<String, Path> files = new LinkedHashMap<>();
    /** A version of the cat never sent to the worker: only ever a query. */
    private static Path heldOutCat;

    @BeforeAll
    static void runWorker() throws Exception {
        for (String picture : PICTURES) {
            String name = stem(picture);
            byte[] original = sample(picture);
            BufferedImage rgb = rgb(original);
            write(name + "/original", name + "-original" + picture.substring(picture.lastIndexOf('.')), original);
            write(name + "/half-size", name + "-half.jpg", jpeg(resize(rgb, 0.5), 0.9f));
            write(name + "/crop-80", name + "-crop80.jpg", jpeg(centreCrop(rgb, 0.8), 0.9f));
            write(name + "/jpeg-q20", name + "-q20.jpg", jpeg(rgb, 0.2f));
        }
        for (String picture : UNRELATED) {
            write(stem(picture) + "/original", picture, sample(picture));
        }
        heldOutCat = images.resolve("cat-held-out.jpg");
        Files.write(heldOutCat, jpeg(centreCrop(resize(rgb(sample("cat.jpg")), 0.7), 0.9), 0.5f));

        model = ModelLoader.load(ModelSpec.seeded(42, 1, Preprocessing.CAFFE));
        worker = new WorkerHarness(model, 3, Map.of("fetch.file-roots", images.toString(), "batch.max-size", "4"))
                .start();
        List<byte[]> refs = new ArrayList<>();
        files.forEach((id, file) -> refs.add(ImageRef.newBuilder()
                .setId(id)
                .setUri(file.toUri().toString())
                .build()
                .toByteArray()));
        worker.send(refs);
        worker.awaitOutputs(files.size());
        assertThat(worker.features).hasSize(files.size());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (model != null) {
            model.close();
        }
    }

    /** Every kind of index: exact, and HNSW per metric, float and int8 (in memory; persistence has its own test). */
    static Stream<IndexSettings> everyIndex() {
        Stream<IndexSettings> hnsw = Stream.of(IndexSettings.Quantization.values())
                .flatMap(q -> Stream.of(Metric.values()).map(m -> IndexSettings.hnsw(m, q)));
        return Stream.concat(Stream.of(IndexSettings.exact(Metric.COSINE)), hnsw);
    }

    /** The metrics an index answers: the exact one both, an HNSW graph its own. */
    private static List<Metric> metrics(IndexSettings settings) {
        return settings.kind() == IndexSettings.Kind.EXACT ? List.of(Metric.values()) : List.of(settings.metric());
    }

    private static IndexFollower follow(String topic, SimilarityIndex index) throws InterruptedException {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", TestKafka.bootstrapServers());
        IndexFollower follower = new IndexFollower(props, topic, index).start();
        assertThat(follower.awaitCaughtUp(Duration.ofMinutes(1))).isTrue();
        return follower;
    }

    @ParameterizedTest
    @MethodSource("everyIndex")
    void nearDuplicatesRankAboveUnrelatedPicturesAndIdsRoundTrip(IndexSettings settings) throws Exception {
        try (SimilarityIndex index = SimilarityIndex.open(settings, null);
                IndexFollower follower = follow(worker.output, index)) {
            assertThat(follower.records()).isEqualTo(files.size());
            assertThat(index.size()).isEqualTo(files.size());
            assertThat(index.model())
                    .contains(worker.features.values().iterator().next().getModel());
            for (Metric metric : metrics(settings)) {
                for (String id : files.keySet()) {
                    List<Neighbour> ranked = index.nearestToId(id, files.size(), metric);
                    // Every other id comes back, exactly as sent, with the URI the worker read.
                    assertThat(ranked.stream().map(Neighbour::id).toList())
                            .containsExactlyInAnyOrderElementsOf(files.keySet().stream()
                                    .filter(other -> !other.equals(id))
                                    .toList());
                    for (Neighbour n : ranked) {
                        assertThat(n.sourceUri())
                                .isEqualTo(files.get(n.id()).toUri().toString());
                    }
                    if (PICTURES.stream().anyMatch(p -> id.startsWith(stem(p) + "/"))) {
                        assertVersionsFirst(id, ranked, metric);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("everyIndex")
    void queriesByImageFileFindTheSamePictureAndTheIdOfAnIndexedImage(IndexSettings settings) throws Exception {
        ImageQueries queries = new ImageQueries(model, DecodeSpec.defaults(50_000_000));
        try (SimilarityIndex index = SimilarityIndex.open(settings, null);
                IndexFollower follower = follow(worker.output, index)) {
            assertThat(follower.caughtUp()).isTrue();
            for (Metric metric : metrics(settings)) {
                ImageQueries.Query q = queries.vectorOf(Files.readAllBytes(heldOutCat));
                List<Neighbour> ranked = index.nearest(q.vector(), q.model(), files.size(), metric);
                assertThat(ranked.subList(0, 4))
                        .allMatch(n -> n.id().startsWith("cat/"), "the cat's 4 versions first by " + metric.key());

                // An indexed image's own bytes find its id at similarity 1 / distance 0.
                Path coffee = files.get("coffee/crop-80");
                List<Neighbour> self = index.nearest(
                        queries.vectorOf(Files.readAllBytes(coffee)).vector(), q.model(), 1, metric);
                assertThat(self.get(0).id()).isEqualTo("coffee/crop-80");
                assertThat(self.get(0).score()).isCloseTo(metric == Metric.COSINE ? 1f : 0f, Assertions.within(1e-3f));
            }
        }
    }

    @Test
    void theHttpApiAnswersByIdByImageAndRefusesAnotherModelsImages() throws Exception {
        SimilarityIndex index = SimilarityIndex.firstModelWins();
        HttpClient http = HttpClient.newHttpClient();
        try (IndexFollower follower = follow(worker.output, index);
                ImageQueries otherModel =
                        new ImageQueries(ModelSpec.seeded(7, 8, Preprocessing.CAFFE), DecodeSpec.defaults(50_000_000));
                SimilarServer server = SimilarServer.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        index,
                        follower,
                        new ImageQueries(model, DecodeSpec.defaults(50_000_000)),
                        1 << 25,
                        2,
                        null);
                SimilarServer wrongModel = SimilarServer.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        index,
                        follower,
                        otherModel,
                        1 << 25,
                        1,
                        null)) {
            String base = "http://127.0.0.1:" + server.port();

            HttpResponse<String> byId = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/similar?id=cat%2Fhalf-size&k=3&metric=euclidean"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(byId.statusCode()).isEqualTo(200);
            assertThat(ids(byId.body()))
                    .hasSize(3)
                    .allMatch(id -> id.startsWith("cat/") && !id.equals("cat/half-size"));
            assertThat(byId.body())
                    .contains(
                            "\"metric\":\"euclidean\"",
                            "\"score\":\"distance\"",
                            "\"weights_digest\":\"random:seed=42\"");

            byte[] image = Files.readAllBytes(heldOutCat);
            HttpResponse<String> byImage = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/similar?k=4"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(byImage.statusCode()).isEqualTo(200);
            assertThat(ids(byImage.body())).hasSize(4).allMatch(id -> id.startsWith("cat/"));

            HttpResponse<String> refused = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + wrongModel.port() + "/similar?k=4"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("not comparable", "random:seed=7", "random:seed=42");

            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/similar?id=nope"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(404);
            HttpResponse<String> notImage = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/similar"))
                            .POST(HttpRequest.BodyPublishers.ofString("not an image"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(notImage.statusCode()).isEqualTo(422);
            HttpResponse<String> stats = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stats.body()).contains("\"caught_up\":true", "\"vectors\":" + files.size(), "\"dimension\":512");
            // 512 floats, a norm and two references a vector; the first block is allocated whole.
            assertThat(stats.body()).contains("\"vector_bytes_per_vector\":2060", "\"vector_block_rows\":4096");
        }
    }

    /** Documented policy: another model's vectors are skipped and counted; the same id again replaces. */
    @Test
    void vectorsOfAnotherModelOnTheTopicAreRefusedAndALaterVectorReplacesAnEarlierOne() throws Exception {
        String topic = TestKafka.newTopic("mixed-features", 2);
        FeatureVector cat = worker.features.get("cat/original");
        FeatureVector coffee = worker.features.get("coffee/original");
        ModelIdentity other =
                cat.getModel().toBuilder().setWeightsDigest("random:seed=7").build();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(TestKafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (FeatureVector v : List.of(
                    cat,
                    coffee,
                    cat.toBuilder().setId("intruder").setModel(other).build(),
                    coffee.toBuilder().setId("cat/original").build())) {
                producer.send(
                        new ProducerRecord<>(topic, 0, v.getId().getBytes(StandardCharsets.UTF_8), v.toByteArray()));
            }
            producer.send(new ProducerRecord<>(
                    topic, 1, "x".getBytes(StandardCharsets.UTF_8), "not a vector".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
        SimilarityIndex index = SimilarityIndex.firstModelWins();
        try (IndexFollower follower = follow(topic, index)) {
            SimilarityIndex.Stats stats = index.stats();
            assertThat(stats.vectors()).isEqualTo(2);
            assertThat(stats.refusedByModel()).containsExactly(Map.entry(other, 1L));
            assertThat(stats.replaced()).isEqualTo(1);
            assertThat(follower.unparseable()).isEqualTo(1);
            assertThatThrownBy(() -> index.nearestToId("intruder", 1, Metric.COSINE))
                    .hasMessageContaining("intruder");
            // "cat/original" now holds the coffee's vector: the coffee is at distance 0 from it.
            assertThat(index.nearestToId("cat/original", 1, Metric.EUCLIDEAN)
                            .get(0)
                            .score())
                    .isZero();
        }
    }

    /**
     * A restart opens the committed index and reads only what came after its offsets: the ids
     * deleted meanwhile are gone, the new ones there, and nothing read before is read again.
     */
    @Test
    void aPersistedIndexResumesFromTheOffsetsCommittedWithItAfterARestart(@TempDir Path dir) throws Exception {
        String topic = TestKafka.newTopic("persisted-features", 2);
        List<FeatureVector> first = List.of(
                worker.features.get("cat/original"),
                worker.features.get("cat/half-size"),
                worker.features.get("coffee/original"),
                worker.features.get("astronaut/original"));
        send(topic, first);
        IndexSettings settings = IndexSettings.hnsw(Metric.COSINE, IndexSettings.Quantization.INT8)
                .withDir(dir);
        try (SimilarityIndex index = SimilarityIndex.open(settings, null);
                IndexFollower follower = follow(topic, index)) {
            assertThat(follower.resumedFrom()).isEmpty();
            assertThat(index.size()).isEqualTo(4);
        }
        send(topic, List.of(worker.features.get("cat/crop-80")));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(TestKafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "coffee/original".getBytes(StandardCharsets.UTF_8), null));
            producer.flush();
        }
        try (SimilarityIndex index = SimilarityIndex.open(settings, null);
                IndexFollower follower = follow(topic, index)) {
            assertThat(follower.resumedFrom().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(4);
            assertThat(follower.records()).isEqualTo(2);
            assertThat(index.model()).contains(first.get(0).getModel());
            assertThat(index.size()).isEqualTo(4);
            List<String> ranked = index.nearestToId("cat/original", 3, Metric.COSINE).stream()
                    .map(Neighbour::id)
                    .toList();
            assertThat(ranked.subList(0, 2)).containsExactlyInAnyOrder("cat/crop-80", "cat/half-size");
            assertThat(ranked).hasSize(3).doesNotContain("coffee/original");
        }
        ModelIdentity other = first.get(0).getModel().toBuilder()
                .setWeightsDigest("random:seed=7")
                .build();
        assertThatThrownBy(() -> SimilarityIndex.open(settings, other))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another model");
    }

    /**
     * A backlog larger than the RAM buffer is flushed in several segments, each a graph every
     * query searches; after catching up the follower merges them into one in the background, and
     * the merged index answers as before, then and after a restart.
     */
    @Test
    void aBacklogFlushedInManySegmentsIsMergedIntoOneGraphAfterCatchingUp(@TempDir Path dir) throws Exception {
        String topic = TestKafka.newTopic("backlog-features", 2);
        ModelIdentity model = worker.features.get("cat/original").getModel();
        Random random = new Random(11);
        List<FeatureVector> pictures = new ArrayList<>(worker.features.values());
        List<FeatureVector> backlog = new ArrayList<>();
        int fillers = 12_000;
        for (int i = 0; i < fillers; i++) {
            // Look-alikes of the pictures (cosine about 0.95 to one), as a catalogue of one model's
            // vectors sits in one cone. Vectors unlike all the rest would not do: an HNSW graph can
            // leave such a group out of reach (among 12,000 abs-Gaussian vectors, no query of the
            // 16 pictures found any of its near-duplicates with 100 candidates, and many were still
            // missed with 5,000).
            FeatureVector like = pictures.get(random.nextInt(pictures.size()));
            float[] v = new float[like.getValuesCount()];
            for (int d = 0; d < v.length; d++) {
                v[d] = like.getValues(d) * (float) Math.exp(0.3 * random.nextGaussian());
            }
            backlog.add(TestVectors.vector("filler/" + i, model, v));
        }
        backlog.addAll(worker.features.values());
        send(topic, backlog);
        // 16 MB holds about 7,000 of these vectors with their graph: the backlog needs two or more.
        IndexSettings settings = IndexSettings.hnsw(Metric.COSINE, IndexSettings.Quantization.NONE)
                .withDir(dir)
                .withBuffers(16, Duration.ofSeconds(60), Duration.ZERO);
        try (SimilarityIndex index = SimilarityIndex.open(settings, null);
                IndexFollower follower = follow(topic, index)) {
            assertThat(follower.records()).isEqualTo(fillers + files.size());
            assertThat(index.size()).isEqualTo(fillers + files.size());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            int segments = index.stats().segments();
            int most = segments;
            while (segments > 1 && System.nanoTime() < deadline) {
                // Queries go on while the merge runs, on the segments as flushed.
                assertVersionsFirst("cat/original", index.nearestToId("cat/original", 4, Metric.COSINE), Metric.COSINE);
                Thread.sleep(100);
                segments = index.stats().segments();
                most = Math.max(most, segments);
            }
            assertThat(most).as("segments seen after catching up").isGreaterThan(1);
            assertThat(segments).as("segments two minutes after catching up").isEqualTo(1);
            for (String id : files.keySet()) {
                assertVersionsFirst(id, index.nearestToId(id, 4, Metric.COSINE), Metric.COSINE);
            }
        }
        try (SimilarityIndex reopened = SimilarityIndex.open(settings, null)) {
            assertThat(reopened.stats().segments())
                    .as("the merged index was committed on close")
                    .isEqualTo(1);
            assertThat(reopened.size()).isEqualTo(fillers + files.size());
        }
    }

    /** The command line as users run it, twice on one index dir: the second run resumes. */
    @Test
    void theCommandAnswersFromAnHnswIndexDirAndResumesFromItOnTheNextRun(@TempDir Path dir) throws Exception {
        String[] args = {
            "--bootstrap-servers", TestKafka.bootstrapServers(),
            "--feature-topic", worker.output,
            "--index", "hnsw",
            "--index-dir", dir.toString(),
            "--quantization", "int8",
            "--query-id", "cat/original",
            "--k", "3"
        };
        String firstRun = runCommand(args);
        assertThat(firstRun)
                .contains("index: hnsw metric=cosine M=16 beam-width=100 candidates=100 quantization=int8")
                .doesNotContain("resumed")
                .contains("cat/half-size");
        String secondRun = runCommand(args);
        assertThat(secondRun).contains("resumed from its committed offsets", "(0 records read", "cat/half-size");
        assertThat(runCommand(
                        "--bootstrap-servers",
                        TestKafka.bootstrapServers(),
                        "--feature-topic",
                        worker.output,
                        "--index",
                        "hnsw",
                        "--index-dir",
                        dir.toString(),
                        "--metric",
                        "euclidean",
                        "--query-id",
                        "cat/original"))
                .contains("exit 2", "metric cosine, not euclidean");
    }

    private static String runCommand(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(capture);
            int exit = new CommandLine(new SimilarCommand()).execute(args);
            capture.println("exit " + exit);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anHnswIndexServesItsOwnMetricRefusesTheOtherAndNamesItselfInStats() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (SimilarityIndex index = SimilarityIndex.open(
                        IndexSettings.hnsw(Metric.EUCLIDEAN, IndexSettings.Quantization.NONE), null);
                IndexFollower follower = follow(worker.output, index);
                SimilarServer server = SimilarServer.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        index,
                        follower,
                        null,
                        1 << 25,
                        1,
                        null)) {
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> byDefault = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/similar?id=cat%2Fhalf-size&k=3"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(byDefault.statusCode()).isEqualTo(200);
            assertThat(byDefault.body()).contains("\"metric\":\"euclidean\"");
            assertThat(ids(byDefault.body())).hasSize(3).allMatch(id -> id.startsWith("cat/"));
            HttpResponse<String> other = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/similar?id=cat%2Fhalf-size&metric=cosine"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(400);
            assertThat(other.body()).contains("built for euclidean", "--index exact");
            HttpResponse<String> stats = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stats.body())
                    .contains("\"vectors\":" + files.size())
                    .contains("\"index\":{\"kind\":\"hnsw\",\"metric\":\"euclidean\",\"m\":16,\"beam_width\":100")
                    .contains("\"quantization\":\"none\",\"dir\":null");
        }
    }

    private static void send(String topic, List<FeatureVector> vectors) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(TestKafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (FeatureVector v : vectors) {
                producer.send(new ProducerRecord<>(topic, v.getId().getBytes(StandardCharsets.UTF_8), v.toByteArray()));
            }
            producer.flush();
        }
    }

    private static void assertVersionsFirst(String id, List<Neighbour> ranked, Metric metric) {
        String picture = id.substring(0, id.indexOf('/') + 1);
        int versions = (int) files.keySet().stream()
                .filter(other -> other.startsWith(picture) && !other.equals(id))
                .count();
        assertThat(ranked.subList(0, versions))
                .as(
                        "for %s by %s, the other versions of the same picture rank above every other picture: %s",
                        id, metric.key(), ranked)
                .allMatch(n -> n.id().startsWith(picture));
    }

    private static List<String> ids(String json) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"rank\":\\d+,\"id\":\"([^\"]*)\"").matcher(json);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static void write(String id, String fileName, byte[] bytes) throws IOException {
        Path file = images.resolve(fileName);
        Files.write(file, bytes);
        files.put(id, file);
    }

    private static String stem(String name) {
        return name.substring(0, name.lastIndexOf('.'));
    }

    private static byte[] sample(String name) throws IOException {
        try (InputStream in = SimilarIT.class.getResourceAsStream("/io/featurex/embedded/samples/" + name)) {
            return in.readAllBytes();
        }
    }

    private static BufferedImage rgb(byte[] encoded) throws IOException {
        BufferedImage in = ImageIO.read(new ByteArrayInputStream(encoded));
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(in, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage resize(BufferedImage in, double factor) {
        int w = (int) Math.round(in.getWidth() * factor);
        int h = (int) Math.round(in.getHeight() * factor);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(in, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static BufferedImage centreCrop(BufferedImage in, double keep) {
        int w = (int) Math.round(in.getWidth() * keep);
        int h = (int) Math.round(in.getHeight() * keep);
        return in.getSubimage((in.getWidth() - w) / 2, (in.getHeight() - h) / 2, w, h);
    }

    private static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
