package io.featurex.similar;

import io.featurex.worker.BadInputException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * {@code featurex similar --query-id/--query-image}: waits for the index to catch up with the
 * topic, then prints each query's ranked neighbours; a query that fails is reported and counted.
 */
final class OneShotQueries {

    private final List<String> queryIds;
    private final List<Path> queryImages;
    private final int k;
    private final Metric m;
    private final int catchUpTimeoutSeconds;
    private final PrintStream out;
    private final PrintStream err;

    OneShotQueries(
            List<String> queryIds,
            List<Path> queryImages,
            int k,
            Metric m,
            int catchUpTimeoutSeconds,
            PrintStream out,
            PrintStream err) {
        this.queryIds = queryIds;
        this.queryImages = queryImages;
        this.k = k;
        this.m = m;
        this.catchUpTimeoutSeconds = catchUpTimeoutSeconds;
        this.out = out;
        this.err = err;
    }

    int run(SimilarityIndex index, IndexFollower follower, ImageQueries images) throws Exception {
        long start = System.nanoTime();
        try {
            if (!follower.awaitCaughtUp(Duration.ofSeconds(catchUpTimeoutSeconds))) {
                err.printf(
                        "the index did not catch up with %s within %d s (%d vectors so far)%n",
                        follower.topic(), catchUpTimeoutSeconds, index.size());
                return 1;
            }
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        }
        SimilarityIndex.Stats stats = index.stats();
        out.printf(
                Locale.ROOT,
                "index: %d vectors from %s (%d records read in %.1f s)%n",
                stats.vectors(),
                follower.topic(),
                follower.records(),
                (System.nanoTime() - start) / 1e9);
        out.println("model: " + stats.model().map(Models::describe).orElse("(none yet: the topic has no vectors)"));
        out.println("index: " + stats.index().describe()
                + (follower.resumedFrom().isEmpty() ? "" : ", resumed from its committed offsets"));
        if (stats.refused() > 0 || stats.malformed() > 0 || follower.unparseable() > 0) {
            out.printf(
                    "skipped: %d of other models, %d malformed, %d not FeatureVectors%n",
                    stats.refused(), stats.malformed(), follower.unparseable());
        }
        int failures = 0;
        for (String id : queryIds) {
            out.printf("%nquery id %s: %s%n", id, header());
            try {
                print(index.nearestToId(id, k, m));
            } catch (NoSuchElementException | UnsupportedMetricException e) {
                err.println(e.getMessage());
                failures++;
            }
        }
        for (Path file : queryImages) {
            out.printf("%nquery image %s: %s%n", file, header());
            try {
                ImageQueries.Query q = images.vectorOf(Files.readAllBytes(file));
                print(index.nearest(q.vector(), q.model(), k, m));
            } catch (BadInputException e) {
                err.println(file + ": " + e.code() + ": " + e.getMessage());
                failures++;
            } catch (ModelMismatchException | UnsupportedMetricException e) {
                err.println(file + ": " + e.getMessage());
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private String header() {
        return k + " nearest by " + m.key() + (m == Metric.COSINE ? " similarity" : " distance");
    }

    private void print(List<Neighbour> results) {
        int idWidth = Math.max(
                2, results.stream().mapToInt(n -> n.id().length()).max().orElse(2));
        out.printf("%4s  %10s  %-" + idWidth + "s  %s%n", "rank", m.scoreName(), "id", "source_uri");
        for (int i = 0; i < results.size(); i++) {
            Neighbour n = results.get(i);
            out.printf(Locale.ROOT, "%4d  %10.6f  %-" + idWidth + "s  %s%n", i + 1, n.score(), n.id(), n.sourceUri());
        }
    }
}
