package io.featurex.similar;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;
import io.featurex.worker.infer.Vectors;
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
 * accepted ({@link #firstModelWins}). Thread-safe: one writer (the topic follower) and any number
 * of concurrent searches.
 */
public final class SimilarityIndex {

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
            VectorMemory memory) {

        /** Bytes held for vectors now (see {@link VectorMemory#total()}). */
        public long vectorBytes() {
            return memory.total();
        }

        public long refused() {
            return refusedByModel.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final int blockRows;
    private ModelIdentity model;
    private VectorStore store;
    private final Map<ModelIdentity, Long> refused = new LinkedHashMap<>();
    private long malformed;
    private long replaced;
    private long removed;

    private SimilarityIndex(ModelIdentity model, int blockRows) {
        this.model = model;
        this.blockRows = blockRows;
    }

    /** Accepts the identity of the first vector it is given, and only that one from then on. */
    public static SimilarityIndex firstModelWins() {
        return new SimilarityIndex(null, VectorStore.DEFAULT_BLOCK_ROWS);
    }

    /** Accepts vectors of this identity only. */
    public static SimilarityIndex forModel(ModelIdentity model) {
        return new SimilarityIndex(model, VectorStore.DEFAULT_BLOCK_ROWS);
    }

    static SimilarityIndex withBlockRows(ModelIdentity model, int blockRows) {
        return new SimilarityIndex(model, blockRows);
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
            if (store == null) {
                store = new VectorStore(v.getValuesCount(), blockRows);
            } else if (store.dimension() != v.getValuesCount()) {
                malformed++;
                return Outcome.MALFORMED;
            }
            float[] values = Vectors.of(v);
            if (store.put(v.getId(), v.getSourceUri(), values)) {
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
            if (store != null && store.remove(id)) {
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
     */
    public List<Neighbour> nearestToId(String id, int k, Metric metric) {
        lock.readLock().lock();
        try {
            int row = store == null ? -1 : store.rowOf(id);
            if (row < 0) {
                throw new NoSuchElementException("no vector for id '" + id + "' in the index");
            }
            return ExactSearch.search(store, store.vector(row), k, metric, row);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The k nearest to a vector computed by {@code queryModel}; an indexed vector equal to it
     * (the same image) is included, at similarity 1 or distance 0.
     *
     * @throws ModelMismatchException when the query's model is not the index's
     */
    public List<Neighbour> nearest(float[] query, ModelIdentity queryModel, int k, Metric metric) {
        lock.readLock().lock();
        try {
            if (model != null && !model.equals(queryModel)) {
                throw new ModelMismatchException(model, queryModel);
            }
            if (store == null) {
                return List.of();
            }
            return ExactSearch.search(store, query, k, metric, -1);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The store itself, for the benchmark's baseline; not for use while vectors arrive. */
    VectorStore store() {
        return store;
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
            return store == null ? 0 : store.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    public Stats stats() {
        lock.readLock().lock();
        try {
            return new Stats(
                    store == null ? 0 : store.size(),
                    store == null ? 0 : store.dimension(),
                    Optional.ofNullable(model),
                    Map.copyOf(refused),
                    malformed,
                    replaced,
                    removed,
                    store == null ? VectorMemory.NONE : store.memory());
        } finally {
            lock.readLock().unlock();
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
