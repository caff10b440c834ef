package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HNSW index: the in-memory index's rules (latest wins, tombstones, one model), and persistence. */
class HnswIndexTest {

    private static final ModelIdentity MODEL = TestVectors.MODEL;
    private static final ModelIdentity OTHER = TestVectors.OTHER;

    @TempDir
    Path dir;

    private static IndexSettings settings(Metric metric, IndexSettings.Quantization q) {
        // Refreshed on every search: a test sees what it just put.
        return IndexSettings.hnsw(metric, q).withBuffers(16, Duration.ofSeconds(60), Duration.ZERO);
    }

    private static FeatureVector vector(String id, ModelIdentity model, float... values) {
        return TestVectors.vector(id, model, values);
    }

    private static List<String> ids(List<Neighbour> results) {
        return results.stream().map(Neighbour::id).toList();
    }

    private static void fivePlanar(SimilarityIndex index) {
        index.accept(vector("e", MODEL, 2, 0));
        index.accept(vector("b", MODEL, 0, 1));
        index.accept(vector("c", MODEL, 1, 1));
        index.accept(vector("a", MODEL, 1, 0));
        index.accept(vector("d", MODEL, -1, 0));
    }

    @ParameterizedTest
    @EnumSource(IndexSettings.Quantization.class)
    void ranksLikeTheExactIndexWithExactScoresAndTiesById(IndexSettings.Quantization q) throws Exception {
        try (SimilarityIndex cosine = SimilarityIndex.open(settings(Metric.COSINE, q), MODEL);
                SimilarityIndex euclidean = SimilarityIndex.open(settings(Metric.EUCLIDEAN, q), MODEL)) {
            fivePlanar(cosine);
            fivePlanar(euclidean);
            List<Neighbour> r = cosine.nearest(new float[] {3, 0}, MODEL, 5, Metric.COSINE);
            assertThat(ids(r)).containsExactly("a", "e", "c", "b", "d");
            assertThat(r.get(0).score()).isCloseTo(1f, within(1e-6f));
            assertThat(r.get(2).score()).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
            assertThat(r.get(4).score()).isCloseTo(-1f, within(1e-6f));
            assertThat(r.get(0).sourceUri()).isEqualTo("file:///img/a");
            List<Neighbour> e = euclidean.nearest(new float[] {1, 0}, MODEL, 5, Metric.EUCLIDEAN);
            assertThat(ids(e)).containsExactly("a", "c", "e", "b", "d");
            assertThat(e.stream().map(Neighbour::score).toList()).containsExactly(0f, 1f, 1f, (float) Math.sqrt(2), 2f);
            assertThat(ids(euclidean.nearestToId("a", 10, Metric.EUCLIDEAN))).containsExactly("c", "e", "b", "d");
            assertThatThrownBy(() -> cosine.nearestToId("nope", 3, Metric.COSINE))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("'nope'");
        }
    }

    /** Few enough vectors that the graph search, collecting 100 candidates, sees them all. */
    @ParameterizedTest
    @EnumSource(IndexSettings.Quantization.class)
    void agreesWithTheExactIndexOnRandomVectors(IndexSettings.Quantization q) throws Exception {
        Random random = new Random(3);
        SimilarityIndex exact = SimilarityIndex.forModel(MODEL);
        try (SimilarityIndex hnsw = SimilarityIndex.open(settings(Metric.COSINE, q), MODEL)) {
            for (int i = 0; i < 80; i++) {
                float[] v = new float[24];
                for (int d = 0; d < v.length; d++) {
                    v[d] = (float) Math.abs(random.nextGaussian());
                }
                FeatureVector fv = vector(String.format("v%02d", i), MODEL, v);
                exact.accept(fv);
                hnsw.accept(fv);
            }
            for (int trial = 0; trial < 10; trial++) {
                String id = String.format("v%02d", random.nextInt(80));
                List<Neighbour> want = exact.nearestToId(id, 10, Metric.COSINE);
                List<Neighbour> got = hnsw.nearestToId(id, 10, Metric.COSINE);
                assertThat(ids(got)).isEqualTo(ids(want));
                for (int i = 0; i < want.size(); i++) {
                    assertThat(got.get(i).score()).isCloseTo(want.get(i).score(), within(1e-5f));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(IndexSettings.Quantization.class)
    void compactingMergesTheSegmentsIntoOneGraphOnMergeThreadsAndKeepsEveryAnswer(IndexSettings.Quantization q)
            throws Exception {
        Random random = new Random(5);
        SimilarityIndex exact = SimilarityIndex.forModel(MODEL);
        IndexSettings s = settings(Metric.COSINE, q).withDir(dir).withMergeThreads(2);
        try (SimilarityIndex hnsw = SimilarityIndex.open(s, MODEL)) {
            // Each commit flushes a segment, as a backlog fills the RAM buffer again and again.
            // Few deletes in each (Lucene merges segments with many on its own): the last segment
            // replaces some ids of the first and removes others, whose vectors must stay gone.
            for (int segment = 0; segment < 4; segment++) {
                for (int i = 0; i < 80; i++) {
                    FeatureVector fv = vector(segment * 80 + i, random);
                    exact.accept(fv);
                    hnsw.accept(fv);
                }
                hnsw.commit("features", Map.of(0, 80L * (segment + 1)));
            }
            for (int i = 0; i < 4; i++) {
                FeatureVector fv = vector(i, random);
                exact.accept(fv);
                hnsw.accept(fv);
                exact.remove(key(10 + i));
                hnsw.remove(key(10 + i));
            }
            hnsw.commit("features", Map.of(0, 328L));
            assertThat(hnsw.stats().segments()).as("segments before compacting").isEqualTo(5);

            hnsw.compact(true);
            hnsw.commit("features", Map.of(0, 328L));
            assertThat(hnsw.stats().segments()).isEqualTo(1);
            assertThat(hnsw.size()).isEqualTo(exact.size()).isEqualTo(316);
            assertThat(Thread.getAllStackTraces().keySet())
                    .as("the graph of the merged segment was built on the merge threads")
                    .anyMatch(t -> t.getName().startsWith("featurex-hnsw-merge-"));
            agreeOnEveryId(exact, hnsw);
        }
        try (SimilarityIndex reopened = SimilarityIndex.open(s, MODEL)) {
            assertThat(reopened.stats().segments()).isEqualTo(1);
            agreeOnEveryId(exact, reopened);
        }
    }

    @Test
    void aFewVectorsBesideALargeSegmentAreLeftToLucenesMergePolicy() throws Exception {
        Random random = new Random(6);
        IndexSettings s =
                settings(Metric.COSINE, IndexSettings.Quantization.NONE).withDir(dir);
        try (SimilarityIndex hnsw = SimilarityIndex.open(s, MODEL)) {
            for (int i = 0; i < 200; i++) {
                hnsw.accept(vector(i, random));
            }
            hnsw.commit("features", Map.of(0, 200L));
            // A restart that read a few more: 5% of the vectors outside the large segment.
            for (int i = 200; i < 210; i++) {
                hnsw.accept(vector(i, random));
            }
            hnsw.commit("features", Map.of(0, 210L));
            hnsw.compact(true);
            assertThat(hnsw.stats().segments()).isEqualTo(2);
            // 32 of 232 (14%) outside it: merged.
            for (int i = 210; i < 232; i++) {
                hnsw.accept(vector(i, random));
            }
            hnsw.commit("features", Map.of(0, 232L));
            hnsw.compact(true);
            assertThat(hnsw.stats().segments()).isEqualTo(1);
            assertThat(hnsw.size()).isEqualTo(232);
        }
    }

    private static String key(int i) {
        return String.format("v%03d", i);
    }

    private static FeatureVector vector(int i, Random random) {
        float[] v = new float[24];
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) Math.abs(random.nextGaussian());
        }
        return vector(key(i), MODEL, v);
    }

    /** Every indexed id as a query: the same ten, in the same order, with the same scores. */
    private static void agreeOnEveryId(SimilarityIndex exact, SimilarityIndex hnsw) {
        int asked = 0;
        for (int i = 0; i < 320; i++) {
            String id = key(i);
            List<Neighbour> want;
            try {
                want = exact.nearestToId(id, 10, Metric.COSINE);
            } catch (NoSuchElementException e) {
                assertThatThrownBy(() -> hnsw.nearestToId(id, 10, Metric.COSINE))
                        .isInstanceOf(NoSuchElementException.class);
                continue;
            }
            List<Neighbour> got = hnsw.nearestToId(id, 10, Metric.COSINE);
            assertThat(ids(got)).as("neighbours of %s", id).isEqualTo(ids(want));
            for (int j = 0; j < want.size(); j++) {
                assertThat(got.get(j).score()).isCloseTo(want.get(j).score(), within(1e-5f));
            }
            asked++;
        }
        assertThat(asked).isEqualTo(exact.size());
    }

    @Test
    void theLatestVectorOfAnIdWinsAndATombstoneRemovesIt() throws Exception {
        try (SimilarityIndex index =
                SimilarityIndex.open(settings(Metric.COSINE, IndexSettings.Quantization.NONE), MODEL)) {
            fivePlanar(index);
            assertThat(index.accept(vector("a", MODEL, 0, -5))).isEqualTo(SimilarityIndex.Outcome.REPLACED);
            assertThat(index.size()).isEqualTo(5);
            assertThat(index.stats().replaced()).isEqualTo(1);
            assertThat(ids(index.nearest(new float[] {0, -1}, MODEL, 1, Metric.COSINE)))
                    .containsExactly("a");
            assertThat(index.remove("e")).isEqualTo(SimilarityIndex.Outcome.REMOVED);
            assertThat(index.remove("e")).isEqualTo(SimilarityIndex.Outcome.ABSENT);
            assertThat(index.size()).isEqualTo(4);
            assertThat(ids(index.nearest(new float[] {1, 0}, MODEL, 10, Metric.COSINE)))
                    .containsExactly("c", "a", "b", "d");
            assertThat(index.accept(vector("e", MODEL, 2, 0))).isEqualTo(SimilarityIndex.Outcome.ADDED);
            assertThat(ids(index.nearestToId("e", 1, Metric.COSINE))).containsExactly("c");
        }
    }

    @Test
    void vectorsAndQueriesOfAnotherModelAreRefusedAndMalformedOnesSkipped() throws Exception {
        try (SimilarityIndex index =
                SimilarityIndex.open(settings(Metric.COSINE, IndexSettings.Quantization.INT8), null)) {
            assertThat(index.accept(vector("a", MODEL, 1, 0))).isEqualTo(SimilarityIndex.Outcome.ADDED);
            assertThat(index.accept(vector("x", OTHER, 1, 0))).isEqualTo(SimilarityIndex.Outcome.REFUSED_MODEL);
            assertThat(index.accept(vector("f", MODEL, 1, 2, 3))).isEqualTo(SimilarityIndex.Outcome.MALFORMED);
            assertThat(index.stats().refusedByModel()).containsEntry(OTHER, 1L);
            assertThat(index.size()).isEqualTo(1);
            assertThatThrownBy(() -> index.nearest(new float[] {1, 0}, OTHER, 3, Metric.COSINE))
                    .isInstanceOf(ModelMismatchException.class);
        }
    }

    @Test
    void aQueryForTheOtherMetricIsRefusedNamingBothWaysOut() throws Exception {
        try (SimilarityIndex index =
                SimilarityIndex.open(settings(Metric.COSINE, IndexSettings.Quantization.NONE), MODEL)) {
            fivePlanar(index);
            assertThatThrownBy(() -> index.nearest(new float[] {1, 0}, MODEL, 3, Metric.EUCLIDEAN))
                    .isInstanceOf(UnsupportedMetricException.class)
                    .hasMessageContaining("built for cosine")
                    .hasMessageContaining("--index exact");
            assertThatThrownBy(() -> index.nearestToId("a", 3, Metric.EUCLIDEAN))
                    .isInstanceOf(UnsupportedMetricException.class);
        }
    }

    @Test
    void aCommittedIndexReopensWithItsVectorsModelAndOffsetsAndWithoutWhatCameAfter() throws Exception {
        IndexSettings s =
                settings(Metric.COSINE, IndexSettings.Quantization.INT8).withDir(dir);
        try (SimilarityIndex index = SimilarityIndex.open(s, null)) {
            assertThat(index.persistent()).isTrue();
            assertThat(index.resumeOffsets("features")).isEmpty();
            fivePlanar(index);
            index.accept(vector("a", MODEL, 0, -5));
            index.remove("d");
            index.commit("features", Map.of(0, 7L, 1, 3L));
            // Read after the commit: not committed, so not there after a restart, and its offsets neither.
            index.accept(vector("late", MODEL, 1, 1));
        }
        try (SimilarityIndex reopened = SimilarityIndex.open(s, null)) {
            assertThat(reopened.model()).contains(MODEL);
            assertThat(reopened.size()).isEqualTo(4);
            assertThat(reopened.stats().dimension()).isEqualTo(2);
            assertThat(reopened.resumeOffsets("features")).containsExactlyInAnyOrderEntriesOf(Map.of(0, 7L, 1, 3L));
            assertThat(ids(reopened.nearest(new float[] {0, -1}, MODEL, 10, Metric.COSINE)))
                    .containsExactly("a", "e", "c", "b");
            assertThatThrownBy(() -> reopened.nearestToId("late", 1, Metric.COSINE))
                    .isInstanceOf(NoSuchElementException.class);
            // The persisted model is the index's: another's vectors are refused as in memory.
            assertThat(reopened.accept(vector("x", OTHER, 1, 0))).isEqualTo(SimilarityIndex.Outcome.REFUSED_MODEL);
            assertThatThrownBy(() -> reopened.resumeOffsets("other-topic"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("features")
                    .hasMessageContaining("other-topic");
        }
    }

    @Test
    void anIndexDirOfAnotherModelIsRefusedAtOpen() throws Exception {
        IndexSettings s =
                settings(Metric.COSINE, IndexSettings.Quantization.NONE).withDir(dir);
        try (SimilarityIndex index = SimilarityIndex.open(s, MODEL)) {
            fivePlanar(index);
            index.commit("features", Map.of(0, 5L));
        }
        assertThatThrownBy(() -> SimilarityIndex.open(s, OTHER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another model")
                .hasMessageContaining("random:seed=42")
                .hasMessageContaining("random:seed=7")
                .hasMessageContaining("--index-dir");
        try (SimilarityIndex same = SimilarityIndex.open(s, MODEL)) {
            assertThat(same.size()).isEqualTo(5);
        }
    }

    @Test
    void anIndexDirOfAnotherMetricAndQuantizationIsRefusedNamingBoth() throws Exception {
        IndexSettings s =
                settings(Metric.COSINE, IndexSettings.Quantization.NONE).withDir(dir);
        try (SimilarityIndex index = SimilarityIndex.open(s, MODEL)) {
            fivePlanar(index);
            index.commit("features", Map.of(0, 5L));
        }
        IndexSettings other =
                settings(Metric.EUCLIDEAN, IndexSettings.Quantization.INT8).withDir(dir);
        assertThatThrownBy(() -> SimilarityIndex.open(other, MODEL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("metric cosine, not euclidean")
                .hasMessageContaining("quantization none, not int8");
    }

    @Test
    void statsNameTheIndexAndItsSettings() throws Exception {
        IndexSettings s = settings(Metric.EUCLIDEAN, IndexSettings.Quantization.INT8)
                .withGraph(8, 40, 60)
                .withDir(dir);
        try (SimilarityIndex index = SimilarityIndex.open(s, MODEL)) {
            fivePlanar(index);
            index.commit("features", Map.of(0, 5L));
            SimilarityIndex.Stats stats = index.stats();
            assertThat(stats.index()).isEqualTo(s);
            assertThat(stats.fileBytes()).isPositive();
            String json = Json.index(stats.index(), stats.fileBytes(), stats.segments(), Map.of(0, 5L))
                    .toString();
            assertThat(json)
                    .contains("\"kind\":\"hnsw\"", "\"metric\":\"euclidean\"", "\"m\":8", "\"beam_width\":40")
                    .contains("\"num_candidates\":60", "\"quantization\":\"int8\"", "\"resumed_from\":{\"0\":5}")
                    .contains("\"segments\":1", "\"merge_threads\":" + IndexSettings.DEFAULT_MERGE_THREADS);
        }
    }

    @Test
    void settingsReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> IndexSettings.of("hnsw", "manhattan", 1, 0, 0, "int4", null, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--metric")
                .hasMessageContaining("--quantization must be none or int8, got 'int4'")
                .hasMessageContaining("--hnsw-m")
                .hasMessageContaining("--hnsw-beam-width")
                .hasMessageContaining("--hnsw-candidates")
                .hasMessageContaining("--index-ram-buffer-mb")
                .hasMessageContaining("--index-commit-seconds")
                .hasMessageContaining("--index-merge-threads must be between 1 and 256, got 0");
        assertThatThrownBy(() -> IndexSettings.of("exact", "cosine", 16, 100, 100, "int8", Path.of("x"), 256, 60, 2))
                .hasMessageContaining("--index-dir is for --index hnsw")
                .hasMessageContaining("--quantization int8 is for --index hnsw");
        assertThatThrownBy(() -> IndexSettings.of("ivf", "cosine", 16, 100, 100, "none", null, 256, 60, 2))
                .hasMessageContaining("--index must be exact or hnsw");
        assertThat(IndexSettings.of("hnsw", "euclidean", 32, 200, 150, "int8", dir, 256, 30, 3))
                .isEqualTo(IndexSettings.hnsw(Metric.EUCLIDEAN, IndexSettings.Quantization.INT8)
                        .withGraph(32, 200, 150)
                        .withDir(dir)
                        .withBuffers(256, Duration.ofSeconds(30), IndexSettings.DEFAULT_REFRESH_EVERY)
                        .withMergeThreads(3));
    }

    @Test
    void aBenchmarkPlanReportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> BenchmarkPlan.of(
                        List.of(0),
                        512,
                        10,
                        List.of("gaussian", "clustered:0", "clustered:-1", "random:8"),
                        List.of("16:100", "16:100:int4"),
                        List.of(5),
                        0,
                        Duration.ofSeconds(1),
                        null))
                .hasMessageContaining("--benchmark sizes")
                .hasMessageContaining("'gaussian'")
                .hasMessageContaining("'clustered:0'")
                .hasMessageContaining("'clustered:-1'")
                .hasMessageContaining("'random:8'")
                .hasMessageContaining("'16:100'")
                .hasMessageContaining("'16:100:int4'")
                .hasMessageContaining("--benchmark-candidates")
                .hasMessageContaining("--benchmark-queries");
        assertThatThrownBy(() -> BenchmarkPlan.of(
                        List.of(1000),
                        64,
                        10,
                        List.of(
                                "seeded-vgg16",
                                "seeded_vgg16",
                                "seeded-vgg16:16",
                                "seeded-vgg16:256",
                                "seeded-vgg16:-1"),
                        List.of("16:100:none"),
                        List.of(10),
                        5,
                        Duration.ofSeconds(1),
                        null))
                .hasMessageContaining("seeded-vgg16 gives 512-d vectors; --benchmark-dimension is 64")
                .hasMessageContaining("'seeded_vgg16' is not")
                .hasMessageContaining("'seeded-vgg16:16' is not")
                .hasMessageContaining("'seeded-vgg16:256' is not")
                .hasMessageContaining("'seeded-vgg16:-1' is not");
        assertThat(BenchmarkPlan.of(
                                List.of(1000),
                                512,
                                10,
                                List.of("seeded-vgg16", "seeded-vgg16:64"),
                                List.of("16:100:none"),
                                List.of(10),
                                5,
                                Duration.ofSeconds(1),
                                null)
                        .data())
                .containsExactly(
                        new SyntheticVectors.Data(SyntheticVectors.Kind.SEEDED_VGG16, 0, 224),
                        new SyntheticVectors.Data(SyntheticVectors.Kind.SEEDED_VGG16, 0, 64));
        BenchmarkPlan plan = BenchmarkPlan.of(
                new ArrayList<>(List.of(1000)),
                8,
                10,
                List.of("clustered", "clustered:3", "random"),
                List.of("8:50:int8"),
                List.of(10, 40),
                5,
                Duration.ofSeconds(1),
                null);
        assertThat(plan.graphs()).containsExactly(new BenchmarkPlan.Graph(8, 50, IndexSettings.Quantization.INT8));
        assertThat(plan.data())
                .containsExactly(
                        new SyntheticVectors.Data(SyntheticVectors.Kind.CLUSTERED, SyntheticVectors.DEFAULT_LATENT, 0),
                        new SyntheticVectors.Data(SyntheticVectors.Kind.CLUSTERED, 3, 0),
                        new SyntheticVectors.Data(SyntheticVectors.Kind.RANDOM, 0, 0));
    }
}
