package io.featurex.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/** The options of the feed section: {@code featurex bench}'s {@code --feed-*}. */
final class FeedOptions {

    @Option(
            names = "--feed-rounds",
            paramLabel = "N",
            description = "Rounds of the feed cases; each reports its best. Default: ${DEFAULT-VALUE}.")
    int feedRounds = 2;

    @Option(names = "--feed-refs", paramLabel = "N", description = "Refs per feed case. Default: ${DEFAULT-VALUE}.")
    int feedRefs = 1000;

    @Option(
            names = "--feed-latencies",
            split = ",",
            paramLabel = "MS",
            description = "Latencies the feed's in-process http server answers after. Default: ${DEFAULT-VALUE}.")
    List<Integer> feedLatencies = new ArrayList<>(List.of(0, 20, 50, 200));

    @Option(
            names = "--feed-decode-threads",
            split = ",",
            paramLabel = "N",
            description = "Decode threads of the feed cases; default: 1 and one per core.")
    List<Integer> feedDecodeThreads;

    @Option(
            names = "--feed-batch",
            paramLabel = "N",
            description = "batch.max-size of the feed cases. Default: ${DEFAULT-VALUE}.")
    int feedBatch = 32;

    FeedSection.Settings settings(List<Path> samples) {
        List<Integer> threads = feedDecodeThreads != null
                ? feedDecodeThreads
                : List.copyOf(new TreeSet<>(List.of(1, Runtime.getRuntime().availableProcessors())));
        return new FeedSection.Settings(samples, feedRefs, feedLatencies, threads, feedBatch, "torch", feedRounds);
    }
}
