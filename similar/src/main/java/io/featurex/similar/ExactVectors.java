package io.featurex.similar;

import java.util.List;
import java.util.NoSuchElementException;

/** The exact index: a {@link VectorStore} in memory, searched by {@link ExactSearch}. */
final class ExactVectors implements VectorIndex {

    private final int blockRows;
    private VectorStore store;

    ExactVectors(int blockRows) {
        this.blockRows = blockRows;
    }

    @Override
    public int dimension() {
        return store == null ? 0 : store.dimension();
    }

    @Override
    public int size() {
        return store == null ? 0 : store.size();
    }

    @Override
    public boolean put(String id, String sourceUri, float[] vector) {
        if (store == null) {
            store = new VectorStore(vector.length, blockRows);
        }
        return store.put(id, sourceUri, vector);
    }

    @Override
    public boolean remove(String id) {
        return store != null && store.remove(id);
    }

    @Override
    public List<Neighbour> nearest(float[] query, int k, Metric metric) {
        return store == null ? List.of() : ExactSearch.search(store, query, k, metric, -1);
    }

    @Override
    public List<Neighbour> nearestToId(String id, int k, Metric metric) {
        int row = store == null ? -1 : store.rowOf(id);
        if (row < 0) {
            throw new NoSuchElementException("no vector for id '" + id + "' in the index");
        }
        return ExactSearch.search(store, store.vector(row), k, metric, row);
    }

    @Override
    public VectorMemory memory() {
        return store == null ? VectorMemory.NONE : store.memory();
    }

    @Override
    public long fileBytes() {
        return 0;
    }

    @Override
    public IndexCheckpoint checkpoint() {
        return IndexCheckpoint.EMPTY;
    }

    @Override
    public void commit(IndexCheckpoint checkpoint) {
        // Nothing to keep: the exact index re-reads the topic on every start.
    }

    @Override
    public int segments() {
        return 0;
    }

    @Override
    public void compact(boolean wait) {
        // One array already.
    }

    /** The store itself, for the benchmark's baseline. */
    VectorStore store() {
        return store;
    }

    @Override
    public void close() {
        store = null;
    }
}
