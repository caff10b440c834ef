package io.featurex.similar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approximate index: one Lucene document per id (the id, its source URI and its vector in
 * an HNSW graph), in a directory that also carries, in each commit's user data, the
 * {@link IndexCheckpoint} (model, topic, offsets) the vectors were read up to.
 *
 * <p>Cosine is indexed as the dot product of unit vectors (Lucene's DOT_PRODUCT, which wants
 * them normalised), Euclidean as Lucene's EUCLIDEAN. The graph search collects {@code
 * numCandidates} candidates; those are ranked again by their float vectors, so the scores
 * reported are exact (int8 quantization only chooses the candidates) and equal scores come in
 * id order, as from the exact index.
 *
 * <p>The ids are also held in a set on the heap (about 100 bytes an id), loaded from the terms
 * dictionary on open: "added or replaced" and the size must not wait for a reader refresh.
 */
final class HnswVectors implements VectorIndex {

    private static final Logger log = LoggerFactory.getLogger(HnswVectors.class);

    static final String ID = "id";
    static final String SOURCE_URI = "source_uri";
    static final String VECTOR = "vector";
    private static final Set<String> STORED = Set.of(ID, SOURCE_URI);
    /**
     * The share of the vectors outside the largest segment from which {@link #compact} merges. A
     * restart that read a few new vectors into a large index leaves it be: where some of the
     * large segment's vectors were replaced, Lucene cannot keep its graph, and the merge would
     * build all of it again for a few vectors. Lucene's own merge policy still merges small
     * segments as they accumulate.
     */
    static final double MERGE_SHARE = 0.10;

    private final IndexSettings settings;
    private final Merges merges;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final VectorSimilarityFunction similarity;
    private final Set<String> ids = new HashSet<>();
    private volatile IndexCheckpoint checkpoint;
    private int dimension;
    private volatile boolean changed;
    private volatile long lastRefresh = System.nanoTime();

    private HnswVectors(
            IndexSettings settings, Merges merges, Directory directory, IndexWriter writer, SearcherManager searchers)
            throws IOException {
        this.settings = settings;
        this.merges = merges;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.similarity = settings.metric() == Metric.COSINE
                ? VectorSimilarityFunction.DOT_PRODUCT
                : VectorSimilarityFunction.EUCLIDEAN;
        Iterable<Map.Entry<String, String>> committed = writer.getLiveCommitData();
        Map<String, String> data = new TreeMap<>();
        if (committed != null) {
            committed.forEach(e -> data.put(e.getKey(), e.getValue()));
        }
        this.checkpoint = IndexCheckpoint.fromUserData(data);
        IndexSearcher searcher = searchers.acquire();
        try {
            load(searcher.getIndexReader());
        } finally {
            searchers.release(searcher);
        }
    }

    /**
     * Opens (or creates) the index of {@code settings}: in its directory, or in memory.
     *
     * @throws IllegalStateException when the directory holds an index of another metric or
     *     quantization, or one featurex did not write
     */
    static HnswVectors open(IndexSettings settings) throws IOException {
        Directory directory =
                settings.dir().isPresent() ? FSDirectory.open(settings.dir().get()) : new ByteBuffersDirectory();
        Merges merges = new Merges(settings.mergeThreads());
        IndexWriter writer = null;
        try {
            IndexWriterConfig config = new IndexWriterConfig()
                    .setCodec(codec(settings, merges))
                    .setMergeScheduler(merges.scheduler())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(settings.ramBufferMb())
                    // Separate files, not one compound file: their sizes tell graph, vectors and
                    // quantized vectors apart, and large segments are never compound anyway.
                    .setUseCompoundFile(false)
                    // What is not committed has no offsets with it: on close it is dropped, and
                    // read again from the topic on the next start.
                    .setCommitOnClose(false);
            config.getMergePolicy().setNoCFSRatio(0);
            writer = new IndexWriter(directory, config);
            SearcherManager searchers = new SearcherManager(writer, new SearcherFactory() {
                @Override
                public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
                    IndexSearcher s = new IndexSearcher(reader);
                    // Every query has its own vector: caching per query only costs.
                    s.setQueryCache(null);
                    return s;
                }
            });
            HnswVectors vectors = new HnswVectors(settings, merges, directory, writer, searchers);
            merges.onMerged(() -> vectors.changed = true);
            vectors.checkMatches();
            return vectors;
        } catch (IOException | RuntimeException e) {
            if (writer != null) {
                writer.close();
            }
            merges.close();
            directory.close();
            throw e;
        }
    }

    private static Codec codec(IndexSettings s, Merges merges) {
        int workers = merges.executor().isPresent() ? s.mergeThreads() : 1;
        KnnVectorsFormat format = s.quantization() == IndexSettings.Quantization.INT8
                // 7 bits, uncompressed, the confidence interval from the dimension: Lucene's defaults.
                ? new Lucene99HnswScalarQuantizedVectorsFormat(
                        s.m(),
                        s.beamWidth(),
                        workers,
                        7,
                        false,
                        null,
                        merges.executor().orElse(null))
                : new Lucene99HnswVectorsFormat(
                        s.m(), s.beamWidth(), workers, merges.executor().orElse(null));
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    /** Metric and quantization shape the files; an index made with others is not this one. */
    private void checkMatches() {
        List<String> problems = new ArrayList<>();
        if (!ids.isEmpty() && checkpoint.metric().isEmpty()) {
            problems.add("it holds " + ids.size() + " documents but no featurex commit data: not a similar index");
        }
        checkpoint
                .metric()
                .filter(m -> !m.equals(settings.metric().key()))
                .ifPresent(m -> problems.add("it was built for metric " + m + ", not "
                        + settings.metric().key()));
        checkpoint
                .quantization()
                .filter(q -> !q.equals(settings.quantization().key()))
                .ifPresent(q -> problems.add("it was built with quantization " + q + ", not "
                        + settings.quantization().key()));
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "the index in " + settings.dir().map(Object::toString).orElse("memory")
                            + " does not fit these settings:\n  " + String.join("\n  ", problems)
                            + "\n  start with the settings it was made with, or give another --index-dir");
        }
    }

    private void load(IndexReader reader) throws IOException {
        dimension = checkpoint.dimension();
        for (LeafReaderContext leaf : reader.leaves()) {
            LeafReader r = leaf.reader();
            FieldInfo info = r.getFieldInfos().fieldInfo(VECTOR);
            if (info != null) {
                dimension = info.getVectorDimension();
            }
            Terms terms = r.terms(ID);
            if (terms == null) {
                continue;
            }
            Bits live = r.getLiveDocs();
            TermsEnum te = terms.iterator();
            PostingsEnum postings = null;
            for (BytesRef term = te.next(); term != null; term = te.next()) {
                postings = te.postings(postings, PostingsEnum.NONE);
                for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
                    if (live == null || live.get(d)) {
                        ids.add(term.utf8ToString());
                        break;
                    }
                }
            }
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int size() {
        return ids.size();
    }

    @Override
    public boolean put(String id, String sourceUri, float[] vector) {
        if (dimension == 0) {
            dimension = vector.length;
        }
        Document doc = new Document();
        doc.add(new StringField(ID, id, Field.Store.YES));
        doc.add(new StoredField(SOURCE_URI, sourceUri));
        doc.add(new KnnFloatVectorField(VECTOR, indexed(vector, settings.metric()), similarity));
        try {
            writer.updateDocument(new Term(ID, id), doc);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to the index failed: " + e.getMessage(), e);
        }
        changed = true;
        return !ids.add(id);
    }

    @Override
    public boolean remove(String id) {
        if (!ids.remove(id)) {
            return false;
        }
        try {
            writer.deleteDocuments(new Term(ID, id));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to the index failed: " + e.getMessage(), e);
        }
        changed = true;
        return true;
    }

    @Override
    public List<Neighbour> nearest(float[] query, int k, Metric metric) {
        check(query, k, metric);
        IndexSearcher searcher = acquire(false);
        try {
            return search(searcher, indexed(query, metric), k, metric, null);
        } catch (IOException e) {
            throw new UncheckedIOException("searching the index failed: " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public List<Neighbour> nearestToId(String id, int k, Metric metric) {
        if (!ids.contains(id)) {
            throw new NoSuchElementException("no vector for id '" + id + "' in the index");
        }
        check(null, k, metric);
        try {
            IndexSearcher searcher = acquire(false);
            try {
                Optional<float[]> vector = vectorOf(searcher, id);
                if (vector.isEmpty()) {
                    // Put since the last refresh: refresh now rather than wait for the next.
                    release(searcher);
                    searcher = acquire(true);
                    vector = vectorOf(searcher, id);
                }
                if (vector.isEmpty()) {
                    throw new NoSuchElementException("no vector for id '" + id + "' in the index");
                }
                return search(searcher, vector.get(), k, metric, id);
            } finally {
                release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("searching the index failed: " + e.getMessage(), e);
        }
    }

    private void check(float[] query, int k, Metric metric) {
        if (metric != settings.metric()) {
            throw new UnsupportedMetricException(settings.metric(), metric);
        }
        if (query != null && dimension != 0 && query.length != dimension) {
            throw new IllegalArgumentException(
                    "query has " + query.length + " values, the index holds " + dimension + "-d vectors");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
    }

    private IndexSearcher acquire(boolean force) {
        try {
            long now = System.nanoTime();
            if (changed
                    && (force || now - lastRefresh >= settings.refreshEvery().toNanos())) {
                changed = false;
                searchers.maybeRefreshBlocking();
                lastRefresh = now;
            }
            return searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException("refreshing the index reader failed: " + e.getMessage(), e);
        }
    }

    private void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<float[]> vectorOf(IndexSearcher searcher, String id) throws IOException {
        TopDocs hit = searcher.search(new TermQuery(new Term(ID, id)), 1);
        if (hit.scoreDocs.length == 0) {
            return Optional.empty();
        }
        int doc = hit.scoreDocs[0].doc;
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
        if (values == null || values.advance(doc - leaf.docBase) != doc - leaf.docBase) {
            return Optional.empty();
        }
        return Optional.of(values.vectorValue().clone());
    }

    /**
     * The graph's candidates, ranked again by their float vectors; then the stored fields of just
     * the ones returned (and of any tied with the last, for the order by id).
     */
    private List<Neighbour> search(IndexSearcher searcher, float[] target, int k, Metric metric, String exclude)
            throws IOException {
        int wanted = exclude == null ? k : k + 1;
        int candidates = Math.max(wanted, settings.numCandidates());
        ScoreDoc[] hits = searcher.search(new KnnFloatVectorQuery(VECTOR, target, candidates), candidates).scoreDocs;
        Arrays.sort(hits, Comparator.comparingInt(h -> h.doc));
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        float[] exact = new float[hits.length];
        int leafIndex = -1;
        FloatVectorValues values = null;
        for (int i = 0; i < hits.length; i++) {
            int li = ReaderUtil.subIndex(hits[i].doc, leaves);
            if (li != leafIndex) {
                leafIndex = li;
                values = leaves.get(li).reader().getFloatVectorValues(VECTOR);
            }
            int local = hits[i].doc - leaves.get(li).docBase;
            if (values.docID() < local) {
                values.advance(local);
            }
            exact[i] = kernelScore(metric, target, values.vectorValue());
        }
        Integer[] order = new Integer[hits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order, (a, b) -> metric.nearer(exact[a], exact[b]) ? -1 : metric.nearer(exact[b], exact[a]) ? 1 : 0);
        int end = Math.min(wanted, order.length);
        while (end < order.length && exact[order[end]] == exact[order[end - 1]]) {
            end++;
        }
        StoredFields stored = searcher.storedFields();
        List<Neighbour> kept = new ArrayList<>(end);
        for (int j = 0; j < end; j++) {
            Document d = stored.document(hits[order[j]].doc, STORED);
            String id = d.get(ID);
            if (!id.equals(exclude)) {
                float s = exact[order[j]];
                kept.add(new Neighbour(id, d.get(SOURCE_URI), metric == Metric.COSINE ? s : (float) Math.sqrt(s)));
            }
        }
        kept.sort((a, b) -> metric.nearer(a.score(), b.score())
                ? -1
                : metric.nearer(b.score(), a.score()) ? 1 : a.id().compareTo(b.id()));
        return List.copyOf(kept.subList(0, Math.min(k, kept.size())));
    }

    /** Cosine: the dot product of unit vectors; Euclidean: the squared distance. */
    private static float kernelScore(Metric metric, float[] a, float[] b) {
        float sum = 0;
        if (metric == Metric.COSINE) {
            for (int d = 0; d < a.length; d++) {
                sum += a[d] * b[d];
            }
        } else {
            for (int d = 0; d < a.length; d++) {
                float e = a[d] - b[d];
                sum += e * e;
            }
        }
        return sum;
    }

    /** What is indexed for a vector: cosine's unit vector (a zero vector stays zero: cosine 0), or itself. */
    private static float[] indexed(float[] vector, Metric metric) {
        if (metric != Metric.COSINE) {
            return vector;
        }
        float norm = ExactSearch.norm(vector);
        if (norm == 0f) {
            return vector.clone();
        }
        float[] unit = new float[vector.length];
        for (int d = 0; d < vector.length; d++) {
            unit[d] = vector[d] / norm;
        }
        return unit;
    }

    /**
     * Merges the segments into one, when the segments beside the largest hold at least
     * {@link #MERGE_SHARE} of the vectors. Each segment has its own graph and a query searches
     * every one, so an index flushed in many segments answers more slowly than one graph of the
     * same vectors. The merge keeps the largest segment's graph (where none of its vectors were
     * replaced or removed; otherwise it builds the whole graph again) and inserts the other
     * vectors into it on {@code mergeThreads} threads. Queries go on meanwhile, on the segments
     * as they were; the merged one is searched from the refresh after it is done, and kept from
     * the next commit.
     *
     * @param wait whether to return only once merged
     */
    @Override
    public void compact(boolean wait) {
        int segments;
        long total = 0;
        long largest = 0;
        IndexSearcher searcher = acquire(true);
        try {
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            segments = leaves.size();
            for (LeafReaderContext leaf : leaves) {
                int docs = leaf.reader().numDocs();
                total += docs;
                largest = Math.max(largest, docs);
            }
        } finally {
            release(searcher);
        }
        if (segments <= 1 || total - largest < MERGE_SHARE * total) {
            log.debug("not merging: {} segment(s), {} of {} vectors in the largest", segments, largest, total);
            return;
        }
        if (!wait) {
            log.info(
                    "merging the index's {} segments into one in the background, on {} thread(s); queries go on "
                            + "meanwhile",
                    segments,
                    settings.mergeThreads());
        }
        try {
            writer.forceMerge(1, wait);
            if (wait) {
                // The writer lets forceMerge return before the merge thread's onMerged has run.
                changed = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("merging the index's segments failed: " + e.getMessage(), e);
        }
    }

    @Override
    public VectorMemory memory() {
        return VectorMemory.NONE;
    }

    @Override
    public long fileBytes() {
        return filesByExtension().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Index file bytes by Lucene's extension: {@code vec} the float vectors, {@code veq} the
     * int8 ones, {@code vex} the graph, {@code vem/vemf/vemq} their metadata, the rest ids and URIs.
     */
    Map<String, Long> filesByExtension() {
        Map<String, Long> out = new TreeMap<>();
        try {
            for (String file : directory.listAll()) {
                int dot = file.lastIndexOf('.');
                String ext = dot < 0 ? file : file.substring(dot + 1).toLowerCase(Locale.ROOT);
                try {
                    out.merge(ext, directory.fileLength(file), Long::sum);
                } catch (NoSuchFileException e) {
                    // Merged away while listing.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Segments in the searcher now: each is searched on its own, so more of them costs time. */
    @Override
    public int segments() {
        IndexSearcher searcher = acquire(false);
        try {
            return searcher.getIndexReader().leaves().size();
        } finally {
            release(searcher);
        }
    }

    IndexSettings settings() {
        return settings;
    }

    @Override
    public IndexCheckpoint checkpoint() {
        return checkpoint;
    }

    @Override
    public void commit(IndexCheckpoint next) throws IOException {
        IndexCheckpoint full = new IndexCheckpoint(
                next.model(),
                next.topic(),
                next.offsets(),
                Optional.of(settings.metric().key()),
                Optional.of(settings.quantization().key()),
                dimension);
        if (settings.dir().isPresent()) {
            writer.setLiveCommitData(full.toUserData().entrySet());
            writer.commit();
        }
        checkpoint = full;
        // The follower commits on catching up: what it read is searchable from then on, not up to
        // refreshEvery later. The caller is the one writer, so nothing is put meanwhile.
        changed = false;
        searchers.maybeRefreshBlocking();
        lastRefresh = System.nanoTime();
    }

    @Override
    public void close() throws IOException {
        try {
            searchers.close();
            // A merge still running is abandoned: nothing of it was committed.
            writer.close();
        } finally {
            merges.close();
            directory.close();
        }
    }
}
