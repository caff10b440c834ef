package io.featurex.similar;

import java.util.Arrays;
import java.util.List;

/**
 * Brute-force k-nearest-neighbour search: every row is scored. The kernels work a block at a
 * time, four dimensions per pass over the block's columns (fewer loads and stores of the
 * accumulator), in loops C2 turns into SIMD instructions.
 */
final class ExactSearch {

    private ExactSearch() {}

    /**
     * @param excludeRow a row to leave out (the query's own, for a query by id), or -1
     * @return up to k neighbours, nearest first; equal scores in id order
     */
    static List<Neighbour> search(VectorStore store, float[] query, int k, Metric metric, int excludeRow) {
        if (query.length != store.dimension()) {
            throw new IllegalArgumentException(
                    "query has " + query.length + " values, the index holds " + store.dimension() + "-d vectors");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        int size = store.size();
        TopK top = new TopK(Math.min(k, size), metric, store);
        int blockRows = store.blockRows();
        float[] acc = new float[blockRows];
        float queryNorm = norm(query);
        for (int b = 0; b < store.blockCount(); b++) {
            int first = b * blockRows;
            int n = Math.min(blockRows, size - first);
            if (n <= 0) {
                break;
            }
            float[][] columns = store.block(b);
            if (metric == Metric.COSINE) {
                dots(columns, query, acc, n);
                for (int r = 0; r < n; r++) {
                    int row = first + r;
                    if (row != excludeRow) {
                        float denominator = queryNorm * store.norm(row);
                        top.offer(denominator == 0f ? 0f : acc[r] / denominator, row);
                    }
                }
            } else {
                squaredDistances(columns, query, acc, n);
                for (int r = 0; r < n; r++) {
                    int row = first + r;
                    if (row != excludeRow) {
                        top.offer(acc[r], row);
                    }
                }
            }
        }
        return top.sorted(metric == Metric.COSINE ? s -> s : s -> (float) Math.sqrt(s));
    }

    /** acc[r] = dot(query, row r) for the block's first n rows. */
    static void dots(float[][] columns, float[] query, float[] acc, int n) {
        Arrays.fill(acc, 0, n, 0f);
        int dims = query.length;
        int d = 0;
        for (; d + 3 < dims; d += 4) {
            float q0 = query[d];
            float q1 = query[d + 1];
            float q2 = query[d + 2];
            float q3 = query[d + 3];
            float[] c0 = columns[d];
            float[] c1 = columns[d + 1];
            float[] c2 = columns[d + 2];
            float[] c3 = columns[d + 3];
            for (int r = 0; r < n; r++) {
                acc[r] += q0 * c0[r] + q1 * c1[r] + q2 * c2[r] + q3 * c3[r];
            }
        }
        for (; d < dims; d++) {
            float q = query[d];
            float[] c = columns[d];
            for (int r = 0; r < n; r++) {
                acc[r] += q * c[r];
            }
        }
    }

    /** acc[r] = squared Euclidean distance between query and row r, for the block's first n rows. */
    static void squaredDistances(float[][] columns, float[] query, float[] acc, int n) {
        Arrays.fill(acc, 0, n, 0f);
        int dims = query.length;
        int d = 0;
        for (; d + 3 < dims; d += 4) {
            float q0 = query[d];
            float q1 = query[d + 1];
            float q2 = query[d + 2];
            float q3 = query[d + 3];
            float[] c0 = columns[d];
            float[] c1 = columns[d + 1];
            float[] c2 = columns[d + 2];
            float[] c3 = columns[d + 3];
            for (int r = 0; r < n; r++) {
                float e0 = c0[r] - q0;
                float e1 = c1[r] - q1;
                float e2 = c2[r] - q2;
                float e3 = c3[r] - q3;
                acc[r] += e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3;
            }
        }
        for (; d < dims; d++) {
            float q = query[d];
            float[] c = columns[d];
            for (int r = 0; r < n; r++) {
                float e = c[r] - q;
                acc[r] += e * e;
            }
        }
    }

    static float norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return (float) Math.sqrt(sum);
    }
}
