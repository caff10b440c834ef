package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimilarityIndexTest {

    private static final ModelIdentity MODEL = TestVectors.MODEL;
    private static final ModelIdentity OTHER = TestVectors.OTHER;

    private static FeatureVector vector(String id, ModelIdentity model, float... values) {
        return TestVectors.vector(id, model, values);
    }

    /** Blocks of 2 rows, so 5 vectors span three blocks, the last one partly filled. */
    private static SimilarityIndex fivePlanar() {
        SimilarityIndex index = SimilarityIndex.withBlockRows(MODEL, 2);
        index.accept(vector("e", MODEL, 2, 0));
        index.accept(vector("b", MODEL, 0, 1));
        index.accept(vector("c", MODEL, 1, 1));
        index.accept(vector("a", MODEL, 1, 0));
        index.accept(vector("d", MODEL, -1, 0));
        return index;
    }

    private static List<String> ids(List<Neighbour> results) {
        return results.stream().map(Neighbour::id).toList();
    }

    @Test
    void cosineRanksByAngleAndBreaksTiesById() {
        List<Neighbour> r = fivePlanar().nearest(new float[] {3, 0}, MODEL, 5, Metric.COSINE);
        // a and e point the same way as the query: a tie, broken by id.
        assertThat(ids(r)).containsExactly("a", "e", "c", "b", "d");
        assertThat(r.get(0).score()).isCloseTo(1f, within(1e-6f));
        assertThat(r.get(1).score()).isCloseTo(1f, within(1e-6f));
        assertThat(r.get(2).score()).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        assertThat(r.get(3).score()).isCloseTo(0f, within(1e-6f));
        assertThat(r.get(4).score()).isCloseTo(-1f, within(1e-6f));
        assertThat(r.get(0).sourceUri()).isEqualTo("file:///img/a");
    }

    @Test
    void euclideanRanksByDistanceAndBreaksTiesById() {
        List<Neighbour> r = fivePlanar().nearest(new float[] {1, 0}, MODEL, 5, Metric.EUCLIDEAN);
        // c and e are both at distance 1: a tie, broken by id.
        assertThat(ids(r)).containsExactly("a", "c", "e", "b", "d");
        assertThat(r.stream().map(Neighbour::score).toList()).containsExactly(0f, 1f, 1f, (float) Math.sqrt(2), 2f);
    }

    @Test
    void kLargerThanTheIndexGivesEveryVectorAndKSmallerTheNearest() {
        SimilarityIndex index = fivePlanar();
        assertThat(index.nearest(new float[] {1, 0}, MODEL, 50, Metric.EUCLIDEAN))
                .hasSize(5);
        assertThat(ids(index.nearest(new float[] {1, 0}, MODEL, 2, Metric.EUCLIDEAN)))
                .containsExactly("a", "c");
        assertThat(ids(index.nearest(new float[] {0, 1}, MODEL, 1, Metric.COSINE)))
                .containsExactly("b");
    }

    @Test
    void queryByIdLeavesTheIdItselfOut() {
        SimilarityIndex index = fivePlanar();
        assertThat(ids(index.nearestToId("a", 10, Metric.EUCLIDEAN))).containsExactly("c", "e", "b", "d");
        assertThat(ids(index.nearestToId("a", 1, Metric.COSINE))).containsExactly("e");
        assertThatThrownBy(() -> index.nearestToId("nope", 3, Metric.COSINE))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("'nope'");
    }

    @Test
    void memoryTellsThePerVectorCostFromTheBlockAllocatedAhead() {
        SimilarityIndex index = fivePlanar();
        VectorMemory memory = index.stats().memory();
        // 2-d, blocks of 2 rows: two floats, a norm and two references a vector.
        assertThat(memory.perVector()).isEqualTo(2 * 4 + 4 + 2 * 4);
        assertThat(memory.blockRows()).isEqualTo(2);
        assertThat(memory.blockBytes()).isEqualTo(16 + 2 * 4 + 2 * (16 + 2 * 4));
        // Five vectors fill three blocks: the blocks are most of what is held.
        assertThat(memory.total()).isGreaterThanOrEqualTo(3 * memory.blockBytes());
        assertThat(index.stats().vectorBytes()).isEqualTo(memory.total());
    }

    @Test
    void theLatestVectorOfAnIdReplacesTheEarlierOne() {
        SimilarityIndex index = fivePlanar();
        assertThat(index.accept(vector("a", MODEL, 0, -5))).isEqualTo(SimilarityIndex.Outcome.REPLACED);
        assertThat(index.size()).isEqualTo(5);
        assertThat(index.stats().replaced()).isEqualTo(1);
        List<Neighbour> r = index.nearest(new float[] {0, -1}, MODEL, 5, Metric.COSINE);
        // d and e are orthogonal to the query (a tie at 0), c at 135 degrees, b opposite.
        assertThat(ids(r)).containsExactly("a", "d", "e", "c", "b");
        assertThat(r.get(0).score()).isCloseTo(1f, within(1e-6f));
        assertThat(ids(index.nearest(new float[] {1, 0}, MODEL, 5, Metric.EUCLIDEAN)))
                .containsExactly("c", "e", "b", "d", "a");
    }

    @Test
    void aTombstoneRemovesTheIdAndTheRowMovedIntoItsPlaceKeepsItsOwnId() {
        SimilarityIndex index = fivePlanar();
        // "e" is row 0; the last row ("d") moves there.
        assertThat(index.remove("e")).isEqualTo(SimilarityIndex.Outcome.REMOVED);
        assertThat(index.remove("e")).isEqualTo(SimilarityIndex.Outcome.ABSENT);
        assertThat(index.size()).isEqualTo(4);
        assertThat(ids(index.nearest(new float[] {-1, 0}, MODEL, 10, Metric.EUCLIDEAN)))
                .containsExactly("d", "b", "a", "c");
        assertThat(ids(index.nearestToId("d", 1, Metric.COSINE))).containsExactly("b");
        assertThat(index.accept(vector("e", MODEL, 2, 0))).isEqualTo(SimilarityIndex.Outcome.ADDED);
        assertThat(ids(index.nearestToId("e", 1, Metric.COSINE))).containsExactly("a");
    }

    @Test
    void vectorsOfAnotherModelAreRefusedAndCountedAndQueriesFromItAreRefused() {
        SimilarityIndex index = fivePlanar();
        assertThat(index.accept(vector("x", OTHER, 1, 0))).isEqualTo(SimilarityIndex.Outcome.REFUSED_MODEL);
        assertThat(index.accept(vector("y", OTHER, 1, 0))).isEqualTo(SimilarityIndex.Outcome.REFUSED_MODEL);
        assertThat(index.size()).isEqualTo(5);
        assertThat(index.stats().refusedByModel()).containsEntry(OTHER, 2L);
        assertThatThrownBy(() -> index.nearest(new float[] {1, 0}, OTHER, 3, Metric.COSINE))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("random:seed=42")
                .hasMessageContaining("random:seed=7");
    }

    @Test
    void theFirstVectorsModelWinsWhenNoneIsGiven() {
        SimilarityIndex index = SimilarityIndex.firstModelWins();
        assertThat(index.model()).isEmpty();
        assertThat(index.nearest(new float[] {1, 0}, OTHER, 3, Metric.COSINE)).isEmpty();
        assertThat(index.accept(vector("a", OTHER, 1, 0))).isEqualTo(SimilarityIndex.Outcome.ADDED);
        assertThat(index.accept(vector("b", MODEL, 1, 0))).isEqualTo(SimilarityIndex.Outcome.REFUSED_MODEL);
        assertThat(index.model()).contains(OTHER);
    }

    @Test
    void malformedVectorsAreSkipped() {
        SimilarityIndex index = fivePlanar();
        assertThat(index.accept(vector("f", MODEL, 1, 2, 3))).isEqualTo(SimilarityIndex.Outcome.MALFORMED);
        assertThat(index.accept(vector("g", MODEL, Float.NaN, 0))).isEqualTo(SimilarityIndex.Outcome.MALFORMED);
        assertThat(index.accept(vector("", MODEL, 1, 0))).isEqualTo(SimilarityIndex.Outcome.MALFORMED);
        assertThat(index.accept(
                        vector("h", MODEL, 1, 0).toBuilder().setDimension(512).build()))
                .isEqualTo(SimilarityIndex.Outcome.MALFORMED);
        assertThat(index.stats().malformed()).isEqualTo(4);
        assertThat(index.size()).isEqualTo(5);
    }

    @Test
    void zeroVectorsHaveCosineZero() {
        SimilarityIndex index = SimilarityIndex.withBlockRows(MODEL, 4);
        index.accept(vector("zero", MODEL, 0, 0));
        index.accept(vector("x", MODEL, 1, 0));
        List<Neighbour> r = index.nearest(new float[] {1, 0}, MODEL, 2, Metric.COSINE);
        assertThat(ids(r)).containsExactly("x", "zero");
        assertThat(r.get(1).score()).isZero();
    }

    /** Dimensions not a multiple of 4 and blocks of 7 rows: the kernels' tails, against double-precision arithmetic. */
    @Test
    void agreesWithAPlainDoublePrecisionScanOnRandomVectors() {
        Random random = new Random(3);
        int dims = 13;
        SimilarityIndex index = SimilarityIndex.withBlockRows(MODEL, 7);
        List<float[]> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            float[] v = new float[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = (float) random.nextGaussian();
            }
            all.add(v);
            index.accept(vector(String.format("v%02d", i), MODEL, v));
        }
        for (int trial = 0; trial < 20; trial++) {
            float[] q = all.get(random.nextInt(all.size())).clone();
            q[0] += 0.5f;
            for (Metric metric : Metric.values()) {
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    expected.add(i);
                }
                Comparator<Integer> byScore = Comparator.comparingDouble(i -> reference(metric, q, all.get(i)));
                expected.sort(metric == Metric.COSINE ? byScore.reversed() : byScore);
                List<Neighbour> got = index.nearest(q, MODEL, 8, metric);
                assertThat(ids(got))
                        .containsExactlyElementsOf(expected.subList(0, 8).stream()
                                .map(i -> String.format("v%02d", i))
                                .toList());
                for (int j = 0; j < 8; j++) {
                    assertThat((double) got.get(j).score())
                            .isCloseTo(reference(metric, q, all.get(expected.get(j))), within(1e-4));
                }
            }
        }
    }

    private static double reference(Metric metric, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
            sq += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        return metric == Metric.COSINE ? dot / Math.sqrt(na * nb) : Math.sqrt(sq);
    }
}
