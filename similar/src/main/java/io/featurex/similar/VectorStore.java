package io.featurex.similar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The vectors of one model, in memory, by image id. Latest wins: putting an id again replaces
 * its vector in place, as a compacted topic keeps the latest record per key.
 *
 * <p>Layout: rows are grouped in blocks of {@code blockRows}; inside a block each dimension is
 * one {@code float[blockRows]} column. A query then scores a whole block with loops of the form
 * {@code acc[r] += q[d] * column[r]}: independent lanes, which C2 (JDK 17) vectorises. The
 * row-major alternative (one {@code float[]} of rows, a dot product per row) is a float reduction
 * C2 must keep in order: measured 4x slower (similar/README.md). Growth adds a
 * block and never copies what is there, so memory never doubles while the index grows.
 *
 * <p>Not thread-safe: {@link SimilarityIndex} guards it.
 */
final class VectorStore {

    static final int DEFAULT_BLOCK_ROWS = 4096;

    private final int dimension;
    private final int blockRows;
    /** blocks.get(b)[d][r]: dimension d of row b * blockRows + r. */
    private final List<float[][]> blocks = new ArrayList<>();

    private float[] norms = new float[0];
    private String[] ids = new String[0];
    private String[] sourceUris = new String[0];
    private final Map<String, Integer> rowById = new HashMap<>();
    private int size;

    VectorStore(int dimension, int blockRows) {
        if (dimension < 1 || blockRows < 1) {
            throw new IllegalArgumentException("dimension and blockRows must be positive");
        }
        this.dimension = dimension;
        this.blockRows = blockRows;
    }

    int dimension() {
        return dimension;
    }

    int blockRows() {
        return blockRows;
    }

    int size() {
        return size;
    }

    /** @return true when the id was there and its vector was replaced */
    boolean put(String id, String sourceUri, float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector has " + vector.length + " values, the index holds " + dimension);
        }
        Integer existing = rowById.get(id);
        int row;
        if (existing != null) {
            row = existing;
        } else {
            row = size;
            ensureCapacity(size + 1);
            size++;
            rowById.put(id, row);
        }
        write(row, vector);
        ids[row] = id;
        sourceUris[row] = sourceUri;
        return existing != null;
    }

    /** Removes an id (a tombstone on a compacted topic): the last row moves into its place. */
    boolean remove(String id) {
        Integer removed = rowById.remove(id);
        if (removed == null) {
            return false;
        }
        int last = size - 1;
        if (removed != last) {
            write(removed, vector(last));
            ids[removed] = ids[last];
            sourceUris[removed] = sourceUris[last];
            rowById.put(ids[removed], removed);
        }
        ids[last] = null;
        sourceUris[last] = null;
        size--;
        return true;
    }

    /** @return the row of an id, or -1 */
    int rowOf(String id) {
        Integer row = rowById.get(id);
        return row == null ? -1 : row;
    }

    String id(int row) {
        return ids[row];
    }

    String sourceUri(int row) {
        return sourceUris[row];
    }

    float norm(int row) {
        return norms[row];
    }

    /** A copy of one row. */
    float[] vector(int row) {
        float[][] block = blocks.get(row / blockRows);
        int r = row % blockRows;
        float[] out = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            out[d] = block[d][r];
        }
        return out;
    }

    /** Block {@code b}'s columns; rows past {@link #size()} hold stale values and must be ignored. */
    float[][] block(int b) {
        return blocks.get(b);
    }

    int blockCount() {
        return blocks.size();
    }

    /** Bytes held for vectors: columns with their array headers, norms, and the row arrays (not the id strings). */
    long vectorBytes() {
        return blocks.size() * blockBytes() + 16L + 4L * norms.length + 2L * (16L + 4L * ids.length);
    }

    /** One block: its array of columns and the columns, each with its array header. */
    long blockBytes() {
        return 16L + 4L * dimension + dimension * (16L + 4L * blockRows);
    }

    /** Once its block exists, a vector adds its floats, its norm and two references (id, source URI). */
    long bytesPerVector() {
        return 4L * dimension + 4L + 2L * 4L;
    }

    VectorMemory memory() {
        return new VectorMemory(vectorBytes(), bytesPerVector(), blockBytes(), blockRows);
    }

    private void write(int row, float[] vector) {
        float[][] block = blocks.get(row / blockRows);
        int r = row % blockRows;
        double sum = 0;
        for (int d = 0; d < dimension; d++) {
            block[d][r] = vector[d];
            sum += (double) vector[d] * vector[d];
        }
        norms[row] = (float) Math.sqrt(sum);
    }

    private void ensureCapacity(int rows) {
        while ((long) blocks.size() * blockRows < rows) {
            blocks.add(new float[dimension][blockRows]);
        }
        int capacity = blocks.size() * blockRows;
        if (norms.length < capacity) {
            norms = Arrays.copyOf(norms, capacity);
            ids = Arrays.copyOf(ids, capacity);
            sourceUris = Arrays.copyOf(sourceUris, capacity);
        }
    }
}
