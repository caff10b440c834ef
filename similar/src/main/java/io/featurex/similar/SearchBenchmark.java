package io.featurex.similar;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Queries/s and memory of exact search on random vectors, single thread: {@code featurex similar
 * --benchmark 100000}. The vectors go in through {@link SimilarityIndex#accept} as FeatureVectors
 * with realistic ids and URIs, so the memory figure includes the id map, not just the floats.
 * For comparison it also times the obvious row-major loop (one contiguous float[] of rows, a
 * dot product per row), which C2 in JDK 17 does not vectorise.
 */
final class SearchBenchmark {

    private static final int QUERIES = 64;

    private final int n;
    private final int dimension;
    private final int k;
    private final Duration duration;
    private final PrintStream out;

    SearchBenchmark(int n, int dimension, int k, Duration duration, PrintStream out) {
        this.n = n;
        this.dimension = dimension;
        this.k = k;
        this.duration = duration;
        this.out = out;
    }

    int run() {
        Runtime rt = Runtime.getRuntime();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        out.printf(
                Locale.ROOT,
                "featurex similar --benchmark %d: %d random %d-d vectors, k=%d, one thread; %d CPUs, %s %s, max heap %d MiB%n",
                n,
                n,
                dimension,
                k,
                rt.availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                rt.maxMemory() >> 20);
        ModelIdentity model = ModelIdentity.newBuilder()
                .setArchitecture("benchmark")
                .setWeightsDigest("random")
                .build();
        SplittableRandom random = new SplittableRandom(42);
        long before = heapAfterGc(memory);
        long t0 = System.nanoTime();
        SimilarityIndex index = SimilarityIndex.forModel(model);
        for (int i = 0; i < n; i++) {
            String id = String.format(Locale.ROOT, "img-%08d", i);
            FeatureVector.Builder v = FeatureVector.newBuilder()
                    .setId(id)
                    .setSourceUri("file:///images/" + id + ".jpg")
                    .setDimension(dimension)
                    .setModel(model);
            for (float x : randomVector(random)) {
                v.addValues(x);
            }
            index.accept(v.build());
        }
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        long after = heapAfterGc(memory);
        SimilarityIndex.Stats stats = index.stats();
        out.printf(Locale.ROOT, "built in %.1f s (%.0f vectors/s)%n", buildSeconds, n / buildSeconds);
        out.printf(
                Locale.ROOT,
                "memory: heap used %.1f MiB after GC for %d vectors = %.0f bytes/vector (%.0f of them floats and norms, "
                        + "%d would be the bare %d floats); per 100,000 vectors: %.1f MiB%n",
                (after - before) / 1048576.0,
                n,
                (after - before) / (double) n,
                stats.vectorBytes() / (double) n,
                4L * dimension,
                dimension,
                (after - before) / (double) n * 100_000 / 1048576.0);

        float[][] queries = new float[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = randomVector(random);
        }
        for (Metric metric : Metric.values()) {
            double qps = measure(() -> {
                for (float[] q : queries) {
                    index.nearest(q, model, k, metric);
                }
            });
            report("blocked columns (shipped)", metric, qps);
        }

        // The row-major baseline, and a check that both kernels rank alike.
        VectorStore store = storeOf(index);
        float[] rows = new float[Math.multiplyExact(n, dimension)];
        for (int r = 0; r < n; r++) {
            System.arraycopy(store.vector(r), 0, rows, r * dimension, dimension);
        }
        float[] scores = new float[n];
        double qps = measure(() -> {
            for (float[] q : queries) {
                for (int r = 0; r < n; r++) {
                    scores[r] = rowMajorDot(rows, r * dimension, q);
                }
            }
        });
        report("row-major dot loop (baseline, scores only)", Metric.COSINE, qps);
        List<Neighbour> shipped = index.nearest(queries[0], model, k, Metric.COSINE);
        out.printf(
                "check: first query's nearest %s (shipped) vs %s (row-major)%n",
                shipped.get(0).id(), store.id(argmaxCosine(store, rows, queries[0])));
        return 0;
    }

    private float[] randomVector(SplittableRandom random) {
        float[] v = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            // Non-negative, like the ReLU-then-average-pool features the workers write.
            v[d] = (float) Math.abs(gaussian(random));
        }
        return v;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private double measure(Runnable batch) {
        long warmEnd = System.nanoTime() + Math.max(1_000_000_000L, duration.toNanos() / 2);
        while (System.nanoTime() < warmEnd) {
            batch.run();
        }
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long done = 0;
        while (System.nanoTime() < end) {
            batch.run();
            done += QUERIES;
        }
        return done / ((System.nanoTime() - start) / 1e9);
    }

    private void report(String kernel, Metric metric, double qps) {
        double gbPerSecond = qps * n * dimension * 4.0 / 1e9;
        out.printf(
                Locale.ROOT,
                "%-44s %-9s %8.1f queries/s  %7.2f ms/query  %5.1f GB/s of vectors scanned%n",
                kernel,
                metric.key(),
                qps,
                1000 / qps,
                gbPerSecond);
    }

    private static float rowMajorDot(float[] rows, int offset, float[] q) {
        float sum = 0;
        for (int d = 0; d < q.length; d++) {
            sum += rows[offset + d] * q[d];
        }
        return sum;
    }

    private int argmaxCosine(VectorStore store, float[] rows, float[] q) {
        int best = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        float qn = ExactSearch.norm(q);
        for (int r = 0; r < n; r++) {
            float s = rowMajorDot(rows, r * dimension, q) / (qn * store.norm(r));
            if (s > bestScore) {
                bestScore = s;
                best = r;
            }
        }
        return best;
    }

    private static VectorStore storeOf(SimilarityIndex index) {
        return index.store();
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
