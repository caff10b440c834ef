package io.featurex.similar;

import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Where {@link SimilarityIndex} keeps its vectors and how it searches them: {@link ExactVectors}
 * or {@link HnswVectors}. The model and validity rules stay in SimilarityIndex, once for both.
 * Not thread-safe for writes: SimilarityIndex guards them.
 */
interface VectorIndex extends AutoCloseable {

    /** 0 until the first vector fixes it. */
    int dimension();

    int size();

    /** @return true when the id was there and its vector was replaced (latest wins) */
    boolean put(String id, String sourceUri, float[] vector);

    /** @return true when the id was there */
    boolean remove(String id);

    /** The k nearest to {@code query}, nearest first, equal scores in id order. */
    List<Neighbour> nearest(float[] query, int k, Metric metric);

    /**
     * The k nearest to an indexed id's vector, the id itself left out.
     *
     * @throws NoSuchElementException when the id is not indexed
     */
    List<Neighbour> nearestToId(String id, int k, Metric metric);

    /** Heap held for vectors (the exact index); {@link VectorMemory#NONE} where they live in files. */
    VectorMemory memory();

    /** Bytes of index files on disk (or in the in-memory directory); 0 for the exact index. */
    long fileBytes();

    /** Segments a query searches (HNSW: each its own graph); 0 for the exact index. */
    int segments();

    /** What was committed with the index last time (model, topic, offsets); empty for the exact index. */
    IndexCheckpoint checkpoint();

    /** Makes the vectors put so far durable together with {@code checkpoint}; a no-op for the exact index. */
    void commit(IndexCheckpoint checkpoint) throws IOException;

    /**
     * Brings the index into the shape it searches fastest in (HNSW: one segment); a no-op for the
     * exact index.
     *
     * @param wait whether to return only once done; otherwise it goes on in the background
     */
    void compact(boolean wait);

    @Override
    void close() throws IOException;
}
