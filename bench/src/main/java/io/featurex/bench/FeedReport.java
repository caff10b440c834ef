package io.featurex.bench;

import java.util.List;
import java.util.Locale;

/** The feed section's table: images/s handed to a discarding model stage, http: against file: of the same run. */
final class FeedReport {

    /** http: refs answered after 50 ms, against file: refs of the same images: the latency hidden. */
    static final Target HTTP_50_VS_FILE = Target.atLeast(0.9);

    static final int TARGET_LATENCY_MS = 50;

    private FeedReport() {}

    static String render(FeedSection.Result result, List<String> notes) {
        BenchTable table = new BenchTable(
                BenchTable.Column.left("feed: refs to a model that discards (bench only)"),
                BenchTable.Column.right("decode threads"),
                BenchTable.Column.right("images/s"),
                BenchTable.Column.right("per decode thread"),
                BenchTable.Column.right("vs file:"),
                BenchTable.Column.left("target"),
                BenchTable.Column.left("verdict"),
                BenchTable.Column.right("others"));
        for (FeedSection.Row row : result.rows()) {
            FeedSection.Row file = result.fileRow(row.decodeThreads());
            String label =
                    row.latencyMs() == null ? "file: (local files)" : "http: answered after " + row.latencyMs() + " ms";
            double ratio = file == null || row.latencyMs() == null
                    ? Double.NaN
                    : row.imagesPerSecond() / file.imagesPerSecond();
            boolean targeted = row.latencyMs() != null && row.latencyMs() == TARGET_LATENCY_MS;
            table.add(
                    label,
                    Integer.toString(row.decodeThreads()),
                    Format.rate(row.imagesPerSecond()),
                    Format.rate(row.perDecodeThread()),
                    Double.isNaN(ratio) ? "" : targeted ? Format.ratio(ratio, HTTP_50_VS_FILE) : Format.ratio(ratio),
                    targeted ? HTTP_50_VS_FILE.toString() : "",
                    targeted ? HTTP_50_VS_FILE.verdict(ratio) : "",
                    Format.cores(row.foreignCores()));
        }
        notes.add(String.format(
                Locale.ROOT,
                "feed: %d refs per case of %s, through a worker in this JVM (its loop, fetch, decode, "
                        + "batching and Kafka transactions, an in-process broker) whose model stage discards each batch and answers zeros: "
                        + "what the pipeline can hand a model. torch preprocessing (Resize 256, CenterCrop 224). The http: server is in this "
                        + "JVM and answers each request after the latency, from a timer. Rates after the first tenth.",
                result.refs(),
                result.images()));
        return table.render();
    }
}
