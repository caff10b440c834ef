package io.featurex.similar;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the vectors are indexed, fixed at start-up: exact (every vector scored per query, in
 * memory) or HNSW (Lucene's graph, optionally int8-quantized, in a directory that also holds the
 * offsets read). Built by {@link #of}, which reports every problem at once.
 *
 * <p>An HNSW graph is built for one similarity, so for {@link Kind#HNSW} the metric is the
 * index's own: a query asking for the other one is refused ({@link UnsupportedMetricException})
 * rather than answered by a full scan, which would turn a millisecond query into seconds without
 * anyone asking for it. For {@link Kind#EXACT} the metric is only the queries' default.
 *
 * @param metric       the HNSW index's metric; the exact index's default for queries
 * @param m            HNSW: neighbours kept per node (Lucene's maxConn)
 * @param beamWidth    HNSW: candidates considered while inserting a node
 * @param numCandidates HNSW: candidates the graph search collects per query before the k best
 *                     are taken (larger: better recall, slower)
 * @param dir          HNSW: where the index and its offsets live; empty: in memory, gone on exit
 * @param ramBufferMb  HNSW: vectors held in memory before Lucene writes a segment
 * @param commitEvery  HNSW with a dir: how often the index and the offsets are committed together
 * @param refreshEvery HNSW: how stale a search may see the index while vectors arrive
 * @param mergeThreads HNSW: threads that insert vectors into the merged graph when segments are
 *                     merged (Lucene's concurrent HNSW merge); 1 merges on the merging thread alone
 */
public record IndexSettings(
        Kind kind,
        Metric metric,
        int m,
        int beamWidth,
        int numCandidates,
        Quantization quantization,
        Optional<Path> dir,
        int ramBufferMb,
        Duration commitEvery,
        Duration refreshEvery,
        int mergeThreads) {

    /** Which index answers the queries. */
    public enum Kind {
        EXACT,
        HNSW;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How the HNSW index holds the vectors it searches. */
    public enum Quantization {
        /** float32, as they arrive. */
        NONE,
        /** Lucene's scalar quantization to 7-bit integers, a byte a dimension (the floats stay on disk). */
        INT8;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final int DEFAULT_M = 16;
    public static final int DEFAULT_BEAM_WIDTH = 100;
    public static final int DEFAULT_NUM_CANDIDATES = 100;
    public static final int DEFAULT_RAM_BUFFER_MB = 256;
    public static final Duration DEFAULT_COMMIT_EVERY = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REFRESH_EVERY = Duration.ofSeconds(1);
    /** Every core: a merge of a large index is a rebuild of most of its graph. */
    public static final int DEFAULT_MERGE_THREADS = Runtime.getRuntime().availableProcessors();

    /** Lucene's limits (Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN and MAXIMUM_BEAM_WIDTH). */
    static final int MAX_M = 512;

    static final int MAX_BEAM_WIDTH = 3200;
    static final int MAX_NUM_CANDIDATES = 10_000;
    static final int MAX_MERGE_THREADS = 256;

    /** The exact index, as before HNSW existed. */
    public static IndexSettings exact(Metric metric) {
        return defaults(Kind.EXACT, metric, Quantization.NONE);
    }

    /** An HNSW index with Lucene's default graph settings, in memory unless {@link #withDir}. */
    public static IndexSettings hnsw(Metric metric, Quantization quantization) {
        return defaults(Kind.HNSW, metric, quantization);
    }

    private static IndexSettings defaults(Kind kind, Metric metric, Quantization quantization) {
        return new IndexSettings(
                kind,
                metric,
                DEFAULT_M,
                DEFAULT_BEAM_WIDTH,
                DEFAULT_NUM_CANDIDATES,
                quantization,
                Optional.empty(),
                DEFAULT_RAM_BUFFER_MB,
                DEFAULT_COMMIT_EVERY,
                DEFAULT_REFRESH_EVERY,
                DEFAULT_MERGE_THREADS);
    }

    public IndexSettings withDir(Path dir) {
        Copy c = new Copy(this);
        c.dir = Optional.of(dir);
        return c.build();
    }

    public IndexSettings withGraph(int m, int beamWidth, int numCandidates) {
        Copy c = new Copy(this);
        c.m = m;
        c.beamWidth = beamWidth;
        c.numCandidates = numCandidates;
        return c.build();
    }

    public IndexSettings withBuffers(int ramBufferMb, Duration commitEvery, Duration refreshEvery) {
        Copy c = new Copy(this);
        c.ramBufferMb = ramBufferMb;
        c.commitEvery = commitEvery;
        c.refreshEvery = refreshEvery;
        return c.build();
    }

    public IndexSettings withMergeThreads(int mergeThreads) {
        Copy c = new Copy(this);
        c.mergeThreads = mergeThreads;
        return c.build();
    }

    /** The settings' values, to change some and build the new settings once. */
    private static final class Copy {
        private final Kind kind;
        private final Metric metric;
        private final Quantization quantization;
        private int m;
        private int beamWidth;
        private int numCandidates;
        private Optional<Path> dir;
        private int ramBufferMb;
        private Duration commitEvery;
        private Duration refreshEvery;
        private int mergeThreads;

        Copy(IndexSettings s) {
            kind = s.kind;
            metric = s.metric;
            quantization = s.quantization;
            m = s.m;
            beamWidth = s.beamWidth;
            numCandidates = s.numCandidates;
            dir = s.dir;
            ramBufferMb = s.ramBufferMb;
            commitEvery = s.commitEvery;
            refreshEvery = s.refreshEvery;
            mergeThreads = s.mergeThreads;
        }

        IndexSettings build() {
            return new IndexSettings(
                    kind,
                    metric,
                    m,
                    beamWidth,
                    numCandidates,
                    quantization,
                    dir,
                    ramBufferMb,
                    commitEvery,
                    refreshEvery,
                    mergeThreads);
        }
    }

    /**
     * Parses and checks the command line's values together.
     *
     * @throws IllegalArgumentException listing every problem, one a line
     */
    public static IndexSettings of(
            String kind,
            String metric,
            int m,
            int beamWidth,
            int numCandidates,
            String quantization,
            Path dir,
            int ramBufferMb,
            int commitSeconds,
            int mergeThreads) {
        List<String> problems = new ArrayList<>();
        Kind k = parse(Kind.class, "--index", kind, problems);
        Metric mt = null;
        try {
            mt = Metric.parse(metric);
        } catch (IllegalArgumentException e) {
            problems.add("--metric: " + e.getMessage());
        }
        Quantization q = parse(Quantization.class, "--quantization", quantization, problems);
        range(problems, "--hnsw-m", m, 2, MAX_M);
        range(problems, "--hnsw-beam-width", beamWidth, 2, MAX_BEAM_WIDTH);
        range(problems, "--hnsw-candidates", numCandidates, 1, MAX_NUM_CANDIDATES);
        range(problems, "--index-ram-buffer-mb", ramBufferMb, 16, 2000);
        range(problems, "--index-commit-seconds", commitSeconds, 1, 86_400);
        range(problems, "--index-merge-threads", mergeThreads, 1, MAX_MERGE_THREADS);
        if (k == Kind.EXACT) {
            if (dir != null) {
                problems.add("--index-dir is for --index hnsw: the exact index lives in memory and re-reads the topic");
            }
            if (q == Quantization.INT8) {
                problems.add("--quantization int8 is for --index hnsw");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        Copy c = new Copy(defaults(k, mt, q));
        c.m = m;
        c.beamWidth = beamWidth;
        c.numCandidates = numCandidates;
        c.dir = Optional.ofNullable(dir);
        c.ramBufferMb = ramBufferMb;
        c.commitEvery = Duration.ofSeconds(commitSeconds);
        c.mergeThreads = mergeThreads;
        return c.build();
    }

    /** One line for logs and the benchmark. */
    public String describe() {
        if (kind == Kind.EXACT) {
            return "exact (brute force, in memory)";
        }
        return String.format(
                Locale.ROOT,
                "hnsw metric=%s M=%d beam-width=%d candidates=%d quantization=%s merge-threads=%d %s",
                metric.key(),
                m,
                beamWidth,
                numCandidates,
                quantization.key(),
                mergeThreads,
                dir.map(d -> "dir=" + d).orElse("in memory"));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String flag, String text, List<String> problems) {
        String wanted = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        List<String> keys = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            keys.add(e.name().toLowerCase(Locale.ROOT));
        }
        problems.add(flag + " must be " + String.join(" or ", keys) + ", got '" + text + "'");
        return null;
    }

    private static void range(List<String> problems, String flag, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(flag + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
