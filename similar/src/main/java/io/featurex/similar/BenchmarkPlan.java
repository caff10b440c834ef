package io.featurex.similar;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code similar --benchmark} measures, checked before anything runs (every problem at once).
 *
 * @param sizes      vector counts, each measured in turn
 * @param data       the kinds of synthetic vectors, each measured at every size
 * @param graphs     the HNSW indexes built for each size
 * @param candidates numCandidates values each graph is queried with
 * @param queries    queries whose recall@k is measured against exact search
 * @param dir        where the HNSW indexes are written; empty: a temporary directory
 */
record BenchmarkPlan(
        List<Integer> sizes,
        int dimension,
        int k,
        List<SyntheticVectors.Data> data,
        List<Graph> graphs,
        List<Integer> candidates,
        int queries,
        Duration duration,
        Optional<Path> dir) {

    /** One HNSW index to build. */
    record Graph(int m, int beamWidth, IndexSettings.Quantization quantization) {
        String describe() {
            return String.format(Locale.ROOT, "hnsw M=%d beam=%d %s", m, beamWidth, quantization.key());
        }
    }

    static BenchmarkPlan of(
            List<Integer> sizes,
            int dimension,
            int k,
            List<String> data,
            List<String> graphs,
            List<Integer> candidates,
            int queries,
            Duration duration,
            Path dir) {
        List<String> problems = new ArrayList<>();
        for (int n : sizes) {
            if (n < 1 || n > 50_000_000) {
                problems.add("--benchmark sizes must be between 1 and 50,000,000, got " + n);
            }
        }
        if (dimension < 1 || dimension > 1024) {
            problems.add("--benchmark-dimension must be between 1 and 1024 (Lucene's limit), got " + dimension);
        }
        if (k < 1 || k > SimilarServer.MAX_K) {
            problems.add("--k must be between 1 and " + SimilarServer.MAX_K + ", got " + k);
        }
        List<SyntheticVectors.Data> kinds = new ArrayList<>();
        for (String d : data) {
            try {
                kinds.add(SyntheticVectors.Data.parse(d, dimension));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (data.isEmpty()) {
            problems.add("--benchmark-data needs at least one kind");
        }
        List<Graph> parsed = new ArrayList<>();
        for (String g : graphs) {
            String[] parts = g.split(":");
            try {
                if (parts.length != 3) {
                    throw new IllegalArgumentException("three parts");
                }
                Graph graph = new Graph(
                        Integer.parseInt(parts[0]),
                        Integer.parseInt(parts[1]),
                        IndexSettings.Quantization.valueOf(parts[2].toUpperCase(Locale.ROOT)));
                if (graph.m() < 2 || graph.m() > IndexSettings.MAX_M) {
                    throw new IllegalArgumentException("M");
                }
                if (graph.beamWidth() < 2 || graph.beamWidth() > IndexSettings.MAX_BEAM_WIDTH) {
                    throw new IllegalArgumentException("beam width");
                }
                parsed.add(graph);
            } catch (IllegalArgumentException e) {
                problems.add("--benchmark-graphs: '" + g + "' is not M:beam-width:none|int8 with M in 2.."
                        + IndexSettings.MAX_M + " and beam width in 2.." + IndexSettings.MAX_BEAM_WIDTH);
            }
        }
        for (int c : candidates) {
            if (c < k || c > IndexSettings.MAX_NUM_CANDIDATES) {
                problems.add("--benchmark-candidates must be between k (" + k + ") and "
                        + IndexSettings.MAX_NUM_CANDIDATES + ", got " + c);
            }
        }
        if (queries < 1) {
            problems.add("--benchmark-queries must be at least 1, got " + queries);
        }
        if (duration.isNegative() || duration.isZero()) {
            problems.add("--benchmark-seconds must be at least 1");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return new BenchmarkPlan(
                List.copyOf(sizes),
                dimension,
                k,
                List.copyOf(kinds),
                List.copyOf(parsed),
                List.copyOf(candidates),
                queries,
                duration,
                Optional.ofNullable(dir));
    }
}
