package io.featurex.similar;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Exact search against HNSW, single query thread: {@code featurex similar --benchmark
 * 100000,1000000}. For each size: exact search's queries/s (the baseline) and its answers (the
 * truth); then each HNSW graph of the plan, built on disk as the service builds it (its
 * buffers, so its segments), committed, closed and reopened (the restart), and queried with each
 * numCandidates for queries/s and recall@k: as flushed, and where that is several segments, again
 * once merged into one, as the service merges after catching up. The vectors go in through
 * {@link SimilarityIndex#accept} as FeatureVectors with realistic ids and URIs, so build times
 * include what the follower does per record.
 *
 * <p>Sizes are told apart by what search reads (the graph, and the float or int8 vectors it
 * scores) and what is stored (also the floats an int8 index keeps for the final ranking, ids and
 * URIs). The page cache is warm throughout: restart to first answer is the reopen's, not a cold
 * disk's.
 */
final class SearchBenchmark {

    private static final long SEED = 42;
    private static final String TOPIC = "benchmark";

    private final BenchmarkPlan plan;
    private final PrintStream out;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    /** The seeded model's vectors by input side, made (or read) once a run for its largest size. */
    private final Map<Integer, ModelVectors.Set> modelVectors = new HashMap<>();

    private final ModelIdentity model = ModelIdentity.newBuilder()
            .setArchitecture("benchmark")
            .setWeightsDigest("synthetic")
            .build();

    SearchBenchmark(BenchmarkPlan plan, PrintStream out) {
        this.plan = plan;
        this.out = out;
    }

    int run() throws IOException {
        Runtime rt = Runtime.getRuntime();
        out.printf(
                Locale.ROOT,
                "featurex similar --benchmark: %d-d vectors, k=%d, %d queries for recall, %d s a measurement, one "
                        + "query thread; %d CPUs, %s %s, max heap %d MiB%n",
                plan.dimension(),
                plan.k(),
                plan.queries(),
                plan.duration().toSeconds(),
                rt.availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                rt.maxMemory() >> 20);
        Path base = plan.dir().isPresent()
                ? Files.createDirectories(plan.dir().get())
                : Files.createTempDirectory("featurex-similar-benchmark");
        try {
            for (SyntheticVectors.Data data : plan.data()) {
                for (int n : plan.sizes()) {
                    size(data, n, base);
                }
            }
        } finally {
            if (plan.dir().isEmpty()) {
                delete(base);
            }
        }
        return 0;
    }

    private void size(SyntheticVectors.Data data, int n, Path base) throws IOException {
        out.printf(Locale.ROOT, "%n%,d vectors, %s%n", n, data.describe());
        float[][] queries = new float[plan.queries()][];
        if (data.kind() == SyntheticVectors.Kind.SEEDED_VGG16) {
            queries = modelVectors(data, base).queries();
        } else {
            SyntheticVectors queryVectors = new SyntheticVectors(data, plan.dimension(), SEED + 1);
            for (int i = 0; i < queries.length; i++) {
                queries[i] = queryVectors.next();
            }
        }

        long before = heapAfterGc();
        long t0 = System.nanoTime();
        SimilarityIndex exact = SimilarityIndex.forModel(model);
        fill(exact, data, n);
        double exactBuild = (System.nanoTime() - t0) / 1e9;
        long exactHeap = heapAfterGc() - before;
        List<Set<String>> truth = new java.util.ArrayList<>();
        double[][] distances = new double[queries.length][];
        for (int i = 0; i < queries.length; i++) {
            List<Neighbour> nearest = exact.nearest(queries[i], model, plan.k(), Metric.COSINE);
            truth.add(ids(nearest));
            distances[i] = nearest.stream()
                    .mapToDouble(r -> IntrinsicDimension.fromCosine(r.score()))
                    .toArray();
        }
        out.printf(
                Locale.ROOT,
                "intrinsic dimension seen by the queries: %.1f (Levina-Bickel maximum likelihood over their %d "
                        + "nearest)%n",
                IntrinsicDimension.pooled(distances),
                plan.k());
        double exactQps = measure(exact, queries);
        double euclideanQps = measureEuclidean(exact, queries);
        exact.close();
        exact = null;

        out.printf(
                Locale.ROOT,
                "%-34s %6s %9s %11s %8s %9s%n",
                "index",
                "cand",
                "recall@" + plan.k(),
                "queries/s",
                "x exact",
                "ms/query");
        row("exact cosine", "-", 1.0, exactQps, exactQps);
        row("exact euclidean", "-", Double.NaN, euclideanQps, exactQps);
        StringBuilder sizes = new StringBuilder();
        sizes.append(String.format(
                Locale.ROOT,
                "  %-34s built in %6.1f s; heap %,.0f B/vector (floats, norms, ids); nothing on disk; a restart re-reads "
                        + "the topic (at least the build time)%n",
                "exact",
                exactBuild,
                exactHeap / (double) n));

        for (BenchmarkPlan.Graph graph : plan.graphs()) {
            Path dir = base.resolve(String.format(
                    Locale.ROOT,
                    "%s-n%d-m%d-b%d-%s",
                    data.key(),
                    n,
                    graph.m(),
                    graph.beamWidth(),
                    graph.quantization().key()));
            delete(dir);
            // The service's buffers and merge threads: the segments it would flush, and the merge
            // it runs on catching up.
            IndexSettings settings = IndexSettings.hnsw(Metric.COSINE, graph.quantization())
                    .withGraph(graph.m(), graph.beamWidth(), IndexSettings.DEFAULT_NUM_CANDIDATES)
                    .withDir(dir);
            long heapBefore = heapAfterGc();
            long b0 = System.nanoTime();
            int flushed;
            long heap;
            double build;
            try (SimilarityIndex hnsw = SimilarityIndex.open(settings, model)) {
                fill(hnsw, data, n);
                hnsw.commit(TOPIC, Map.of(0, (long) n));
                build = (System.nanoTime() - b0) / 1e9;
                flushed = hnsw.stats().segments();
                heap = heapAfterGc() - heapBefore;
            }
            double merge = 0;
            if (flushed > 1) {
                for (int candidates : plan.candidates()) {
                    queryRow(
                            settings,
                            graph,
                            candidates,
                            graph.describe() + " " + flushed + " segs",
                            queries,
                            truth,
                            exactQps);
                }
                long m0 = System.nanoTime();
                try (SimilarityIndex hnsw = SimilarityIndex.open(settings, model)) {
                    hnsw.compact(true);
                    hnsw.commit(TOPIC, Map.of(0, (long) n));
                }
                merge = (System.nanoTime() - m0) / 1e9;
            }
            int segments;
            Map<String, Long> files;
            try (SimilarityIndex hnsw = SimilarityIndex.open(settings, model)) {
                HnswVectors vectors = (HnswVectors) hnsw.vectors();
                segments = vectors.segments();
                files = vectors.filesByExtension();
            }
            sizes.append(sizeLine(graph, build, flushed, merge, settings.mergeThreads(), n, files, segments, heap));
            boolean first = true;
            for (int candidates : plan.candidates()) {
                double restart = queryRow(
                        settings,
                        graph,
                        candidates,
                        graph.describe() + (segments < flushed ? " merged" : ""),
                        queries,
                        truth,
                        exactQps);
                if (first) {
                    sizes.append(String.format(
                            Locale.ROOT,
                            "  %-34s restart (open the directory, load %,d ids, first answer): %.2f s%n",
                            "",
                            n,
                            restart));
                    first = false;
                }
            }
            if (plan.dir().isEmpty()) {
                delete(dir);
            }
        }
        out.printf("sizes and build:%n%s", sizes);
    }

    /**
     * Reopens the index with {@code candidates} (a restart), then measures recall and queries/s
     * and prints the row.
     *
     * @return seconds from opening to the first answer
     */
    private double queryRow(
            IndexSettings settings,
            BenchmarkPlan.Graph graph,
            int candidates,
            String label,
            float[][] queries,
            List<Set<String>> truth,
            double exactQps)
            throws IOException {
        IndexSettings query = settings.withGraph(graph.m(), graph.beamWidth(), candidates);
        long r0 = System.nanoTime();
        try (SimilarityIndex reopened = SimilarityIndex.open(query, model)) {
            reopened.nearest(queries[0], model, plan.k(), Metric.COSINE);
            double restart = (System.nanoTime() - r0) / 1e9;
            double recall = 0;
            for (int i = 0; i < queries.length; i++) {
                Set<String> found = ids(reopened.nearest(queries[i], model, plan.k(), Metric.COSINE));
                found.retainAll(truth.get(i));
                recall += found.size() / (double) truth.get(i).size();
            }
            row(label, Integer.toString(candidates), recall / queries.length, measure(reopened, queries), exactQps);
            return restart;
        }
    }

    private String sizeLine(
            BenchmarkPlan.Graph graph,
            double build,
            int flushed,
            double merge,
            int mergeThreads,
            int n,
            Map<String, Long> files,
            int segments,
            long heap) {
        long total = files.values().stream().mapToLong(Long::longValue).sum();
        long graphBytes = files.getOrDefault("vex", 0L);
        long floats = files.getOrDefault("vec", 0L);
        long int8 = files.getOrDefault("veq", 0L);
        long searched = graphBytes + (graph.quantization() == IndexSettings.Quantization.INT8 ? int8 : floats);
        double float32 = 4.0 * plan.dimension();
        return String.format(
                Locale.ROOT,
                "  %-34s built in %6.1f s (commit included), %d segment(s)%s; on disk %,.1f MiB = %,.0f B/vector "
                        + "(floats %,.0f, int8 %,.0f, graph %,.0f, ids/URIs/meta %,.0f); search reads %,.0f B/vector "
                        + "= %.2f x float32 (%,.0f B), plus the floats of the candidates it ranks; heap %,.0f B/vector%n",
                graph.describe(),
                build,
                flushed,
                flushed > 1
                        ? String.format(
                                Locale.ROOT,
                                ", merged into %d in %.1f s on %d thread(s)",
                                segments,
                                merge,
                                mergeThreads)
                        : "",
                total / 1048576.0,
                total / (double) n,
                floats / (double) n,
                int8 / (double) n,
                graphBytes / (double) n,
                (total - floats - int8 - graphBytes) / (double) n,
                searched / (double) n,
                searched / (double) n / float32,
                float32,
                heap / (double) n);
    }

    private void row(String index, String candidates, double recall, double qps, double exactQps) {
        out.printf(
                Locale.ROOT,
                "%-34s %6s %9s %11.1f %8.1f %9.3f%n",
                index,
                candidates,
                Double.isNaN(recall) ? "-" : String.format(Locale.ROOT, "%.4f", recall),
                qps,
                qps / exactQps,
                1000 / qps);
        out.flush();
    }

    private ModelVectors.Set modelVectors(SyntheticVectors.Data data, Path base) throws IOException {
        ModelVectors.Set made = modelVectors.get(data.side());
        if (made == null) {
            int largest =
                    plan.sizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int smallest =
                    plan.sizes().stream().mapToInt(Integer::intValue).min().orElseThrow();
            made = ModelVectors.of(
                    base, largest, plan.queries(), Math.max(1, smallest / ModelVectors.FAMILY), data.side(), out);
            modelVectors.put(data.side(), made);
        }
        return made;
    }

    private void fill(SimilarityIndex index, SyntheticVectors.Data data, int n) {
        IntFunction<float[]> vectors;
        if (data.kind() == SyntheticVectors.Kind.SEEDED_VGG16) {
            float[][] made = modelVectors.get(data.side()).indexed();
            vectors = i -> made[i];
        } else {
            SyntheticVectors synthetic = new SyntheticVectors(data, plan.dimension(), SEED);
            vectors = i -> synthetic.next();
        }
        for (int i = 0; i < n; i++) {
            String id = String.format(Locale.ROOT, "img-%08d", i);
            FeatureVector.Builder v = FeatureVector.newBuilder()
                    .setId(id)
                    .setSourceUri("file:///images/" + id + ".jpg")
                    .setDimension(plan.dimension())
                    .setModel(model);
            for (float x : vectors.apply(i)) {
                v.addValues(x);
            }
            index.accept(v.build());
        }
    }

    private static Set<String> ids(List<Neighbour> results) {
        Set<String> out = new HashSet<>();
        for (Neighbour r : results) {
            out.add(r.id());
        }
        return out;
    }

    private double measure(SimilarityIndex index, float[][] queries) {
        return measure(
                () -> {
                    for (float[] q : queries) {
                        index.nearest(q, model, plan.k(), Metric.COSINE);
                    }
                },
                queries.length);
    }

    private double measureEuclidean(SimilarityIndex index, float[][] queries) {
        return measure(
                () -> {
                    for (float[] q : queries) {
                        index.nearest(q, model, plan.k(), Metric.EUCLIDEAN);
                    }
                },
                queries.length);
    }

    /** Queries/s over the plan's duration, after half as long (at least a second) of warm-up. */
    private double measure(Runnable batch, int perBatch) {
        long warmEnd =
                System.nanoTime() + Math.max(1_000_000_000L, plan.duration().toNanos() / 2);
        while (System.nanoTime() < warmEnd) {
            batch.run();
        }
        long start = System.nanoTime();
        long end = start + plan.duration().toNanos();
        long done = 0;
        do {
            batch.run();
            done += perBatch;
        } while (System.nanoTime() < end);
        return done / ((System.nanoTime() - start) / 1e9);
    }

    private long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + dir + " failed: " + e.getMessage(), e);
        }
    }
}
