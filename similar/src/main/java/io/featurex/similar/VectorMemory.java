package io.featurex.similar;

/**
 * The index's memory for vectors, told apart: it is allocated a block of {@code blockRows}
 * vectors at a time, so a small index holds mostly empty block ({@code total} near {@code
 * blockBytes}) while a large one costs about {@code perVector} a vector.
 *
 * @param total bytes held now: every block, norms and row arrays (not the id strings)
 * @param perVector what one more vector costs once its block exists
 * @param blockBytes what one block takes, allocated whole when its first vector arrives
 * @param blockRows vectors per block
 */
public record VectorMemory(long total, long perVector, long blockBytes, int blockRows) {

    static final VectorMemory NONE = new VectorMemory(0, 0, 0, 0);
}
