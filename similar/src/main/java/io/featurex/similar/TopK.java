package io.featurex.similar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The k nearest rows seen so far: a bounded heap whose root is the worst one kept, so a row that
 * does not beat the root costs one comparison. Equal scores are ordered by id, so results do not
 * depend on the order vectors arrived in.
 */
final class TopK {

    private final int k;
    private final Metric metric;
    private final VectorStore store;
    private final float[] scores;
    private final int[] rows;
    private int count;

    TopK(int k, Metric metric, VectorStore store) {
        this.k = k;
        this.metric = metric;
        this.store = store;
        this.scores = new float[k];
        this.rows = new int[k];
    }

    void offer(float score, int row) {
        if (k == 0) {
            return;
        }
        if (count < k) {
            scores[count] = score;
            rows[count] = row;
            siftUp(count++);
        } else if (nearer(score, row, scores[0], rows[0])) {
            scores[0] = score;
            rows[0] = row;
            siftDown(0);
        }
    }

    /** The rows kept, nearest first; {@code finish} turns a kernel score into the reported one. */
    List<Neighbour> sorted(ScoreFinisher finish) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (a, b) -> nearer(scores[a], rows[a], scores[b], rows[b])
                        ? -1
                        : nearer(scores[b], rows[b], scores[a], rows[a]) ? 1 : 0);
        List<Neighbour> out = new ArrayList<>(count);
        for (int i : order) {
            int row = rows[i];
            out.add(new Neighbour(store.id(row), store.sourceUri(row), finish.apply(scores[i])));
        }
        return out;
    }

    interface ScoreFinisher {
        float apply(float kernelScore);
    }

    private boolean nearer(float scoreA, int rowA, float scoreB, int rowB) {
        if (metric.nearer(scoreA, scoreB)) {
            return true;
        }
        return scoreA == scoreB && store.id(rowA).compareTo(store.id(rowB)) < 0;
    }

    /** The root is the farthest: a child moves up while it is farther than its parent. */
    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!nearer(scores[parent], rows[parent], scores[i], rows[i])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            int right = left + 1;
            int farthest = i;
            if (left < count && nearer(scores[farthest], rows[farthest], scores[left], rows[left])) {
                farthest = left;
            }
            if (right < count && nearer(scores[farthest], rows[farthest], scores[right], rows[right])) {
                farthest = right;
            }
            if (farthest == i) {
                return;
            }
            swap(i, farthest);
            i = farthest;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int r = rows[a];
        rows[a] = rows[b];
        rows[b] = r;
    }
}
