package io.featurex.similar;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;
import io.featurex.worker.infer.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vectors of ONE model identity, searchable while they keep arriving. Vectors of any other
 * identity are refused: skipped, counted per identity, and logged once per identity. Refusing
 * rather than failing keeps one misconfigured worker from taking the search service down with it;
 * the counts in {@link #stats()} (and /stats) make the refusal visible.
 *
 * <p>The identity is either given up front ({@link #forModel}) or taken from the first vector
 * accepted ({@link #firstModelWins}). A persisted index ({@link #open} with an HNSW directory)
 * brings its own: the identity committed with its vectors wins over "first", and an index made
 * for another identity than the one given is refused at open, since its vectors and the queries
 * would not be comparable. Thread-safe: one writer (the topic follower) and any number of
 * concurrent searches.
 */
public final class SimilarityIndex implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimilarityIndex.class);

    /** What happened to one record. */
    public enum Outcome {
        ADDED,
        REPLACED,
        REMOVED,
        ABSENT,
        REFUSED_MODEL,
        MALFORMED
    }

    /** Counts and sizes, for /stats and the CLI. */
    public record Stats(
            int vectors,
            int dimension,
            Optional<ModelIdentity> model,
            Map<ModelIdentity, Long> refusedByModel,
            long malformed,
            long replaced,
            long removed,
            VectorMemory memory,
            IndexSettings index,
            long fileBytes,
            int segments) {

        /** Bytes held for vectors now (see {@link VectorMemory#total()}). */
        public long vectorBytes() {
            return memory.total();
        }

        public long refused() {
            return refusedByModel.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final IndexSettings settings;
    private final VectorIndex vectors;
    private ModelIdentity model;
    private final Map<ModelIdentity, Long> refused = new LinkedHashMap<>();
    private long malformed;
    private long replaced;
    private long removed;

    private SimilarityIndex(ModelIdentity model, IndexSettings settings, VectorIndex vectors) {
        this.model = model;
        this.settings = settings;
        this.vectors = vectors;
    }

    /** An exact index that accepts the identity of the first vector it is given, and only that one from then on. */
    public static SimilarityIndex firstModelWins() {
        return withBlockRows(null, VectorStore.DEFAULT_BLOCK_ROWS);
    }

    /** An exact index that accepts vectors of this identity only. */
    public static SimilarityIndex forModel(ModelIdentity model) {
        return withBlockRows(model, VectorStore.DEFAULT_BLOCK_ROWS);
    }

    static SimilarityIndex withBlockRows(ModelIdentity model, int blockRows) {
        return new SimilarityIndex(model, IndexSettings.exact(Metric.COSINE), new ExactVectors(blockRows));
    }

    /**
     * The index {@code settings} describe, opened from its directory when it has one.
     *
     * @param model the identity to accept, or null: the persisted one, else the first vector's
     * @throws IllegalStateException when the directory's index was made for another model
     *     identity than {@code model}, or with another metric or quantization
     */
    public static SimilarityIndex open(IndexSettings settings, ModelIdentity model) throws IOException {
        if (settings.kind() == IndexSettings.Kind.EXACT) {
            return new SimilarityIndex(model, settings, new ExactVectors(VectorStore.DEFAULT_BLOCK_ROWS));
        }
        HnswVectors hnsw = HnswVectors.open(settings);
        Optional<ModelIdentity> persisted = hnsw.checkpoint().model();
        if (model != null && persisted.isPresent() && !persisted.get().equals(model)) {
            hnsw.close();
            throw new IllegalStateException("the index in " + settings.dir().orElseThrow()
                    + " holds vectors of another model than the one configured; they are not comparable:\n"
                    + "  index:      " + Models.describe(persisted.get()) + "\n"
                    + "  configured: " + Models.describe(model) + "\n"
                    + "  give another --index-dir (or delete this one) to index the configured model");
        }
        ModelIdentity accepted = model != null ? model : persisted.orElse(null);
        if (accepted != null && model == null) {
            log.info("index model (from {}): {}", settings.dir().orElseThrow(), Models.describe(accepted));
        }
        return new SimilarityIndex(accepted, settings, hnsw);
    }

    /** Adds or replaces one vector (latest wins), unless it is of another model or malformed. */
    public Outcome accept(FeatureVector v) {
        String problem = problem(v);
        lock.writeLock().lock();
        try {
            if (problem != null) {
                malformed++;
                if (malformed == 1) {
                    log.warn(
                            "skipping a malformed feature vector (id '{}'): {}; further ones are only counted",
                            v.getId(),
                            problem);
                }
                return Outcome.MALFORMED;
            }
            if (model == null) {
                model = v.getModel();
                log.info("index model: {}", Models.describe(model));
            }
            if (!model.equals(v.getModel())) {
                long count = refused.merge(v.getModel(), 1L, Long::sum);
                if (count == 1) {
                    log.warn(
                            "refusing vectors of another model than the index's (first: id '{}'); they are counted, not indexed."
                                    + "\n  index: {}\n  other: {}",
                            v.getId(),
                            Models.describe(model),
                            Models.describe(v.getModel()));
                }
                return Outcome.REFUSED_MODEL;
            }
            if (vectors.dimension() != 0 && vectors.dimension() != v.getValuesCount()) {
                malformed++;
                return Outcome.MALFORMED;
            }
            float[] values = Vectors.of(v);
            if (vectors.put(v.getId(), v.getSourceUri(), values)) {
                replaced++;
                return Outcome.REPLACED;
            }
            return Outcome.ADDED;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Forgets an id: a tombstone (null value) on a compacted topic. */
    public Outcome remove(String id) {
        lock.writeLock().lock();
        try {
            if (vectors.remove(id)) {
                removed++;
                return Outcome.REMOVED;
            }
            return Outcome.ABSENT;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The k nearest to the vector of an indexed id, leaving the id itself out.
     *
     * @throws NoSuchElementException when the id is not in the index
     * @throws UnsupportedMetricException when an HNSW index was built for the other metric
     */
    public List<Neighbour> nearestToId(String id, int k, Metric metric) {
        lock.readLock().lock();
        try {
            return vectors.nearestToId(id, k, metric);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The k nearest to a vector computed by {@code queryModel}; an indexed vector equal to it
     * (the same image) is included, at similarity 1 or distance 0.
     *
     * @throws ModelMismatchException when the query's model is not the index's
     * @throws UnsupportedMetricException when an HNSW index was built for the other metric
     */
    public List<Neighbour> nearest(float[] query, ModelIdentity queryModel, int k, Metric metric) {
        lock.readLock().lock();
        try {
            if (model != null && !model.equals(queryModel)) {
                throw new ModelMismatchException(model, queryModel);
            }
            return vectors.nearest(query, k, metric);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The exact index's store, for the benchmark's baseline; not for use while vectors arrive. */
    VectorStore store() {
        return vectors instanceof ExactVectors exact ? exact.store() : null;
    }

    /** The vectors' index itself, for the benchmark's file sizes. */
    VectorIndex vectors() {
        return vectors;
    }

    public IndexSettings settings() {
        return settings;
    }

    /** The offsets the persisted index was committed with, partition -> next offset, if it is of {@code topic}. */
    public Map<Integer, Long> resumeOffsets(String topic) {
        IndexCheckpoint c = vectors.checkpoint();
        if (c.topic().isPresent() && !c.topic().get().equals(topic)) {
            throw new IllegalStateException(
                    "the index in " + settings.dir().map(Object::toString).orElse("memory")
                            + " was read from topic " + c.topic().get() + ", not " + topic
                            + "; give another --index-dir to index " + topic);
        }
        return c.offsets();
    }

    /**
     * Commits the vectors accepted so far together with the offsets they were read up to, so a
     * restart resumes there. The caller is the one writer, between records: nothing is being
     * accepted meanwhile, so searches need not wait.
     */
    public void commit(String topic, Map<Integer, Long> offsets) {
        ModelIdentity m;
        lock.readLock().lock();
        try {
            m = model;
        } finally {
            lock.readLock().unlock();
        }
        try {
            vectors.commit(new IndexCheckpoint(
                    Optional.ofNullable(m), Optional.of(topic), offsets, Optional.empty(), Optional.empty(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("committing the index failed: " + e.getMessage(), e);
        }
    }

    /**
     * Merges an HNSW index's segments into one graph, the shape its queries are fastest in;
     * searches go on meanwhile. A no-op for the exact index and for one segment.
     *
     * @param wait whether to return only once merged; otherwise the merge runs in the background
     */
    public void compact(boolean wait) {
        vectors.compact(wait);
    }

    /** True when vectors are kept in a directory across restarts, with the offsets. */
    public boolean persistent() {
        return settings.kind() == IndexSettings.Kind.HNSW && settings.dir().isPresent();
    }

    public Optional<ModelIdentity> model() {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(model);
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return vectors.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    public Stats stats() {
        lock.readLock().lock();
        try {
            return new Stats(
                    vectors.size(),
                    vectors.dimension(),
                    Optional.ofNullable(model),
                    Map.copyOf(refused),
                    malformed,
                    replaced,
                    removed,
                    vectors.memory(),
                    settings,
                    vectors.fileBytes(),
                    vectors.segments());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.writeLock().lock();
        try {
            vectors.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static String problem(FeatureVector v) {
        if (v.getId().isEmpty()) {
            return "empty id";
        }
        if (v.getValuesCount() == 0) {
            return "no values";
        }
        if (v.getDimension() != v.getValuesCount()) {
            return "dimension " + v.getDimension() + " but " + v.getValuesCount() + " values";
        }
        for (int i = 0; i < v.getValuesCount(); i++) {
            if (!Float.isFinite(v.getValues(i))) {
                return "non-finite value at " + i;
            }
        }
        return null;
    }
}
