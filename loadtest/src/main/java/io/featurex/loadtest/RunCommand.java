package io.featurex.loadtest;

import io.featurex.loadtest.load.ImageSource;
import io.featurex.loadtest.load.RateSchedule;
import io.featurex.loadtest.report.HtmlReport;
import io.featurex.loadtest.report.Report;
import io.featurex.loadtest.report.ReportJson;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featurex-loadtest run}: one load test, its report written and its verdict printed. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Sends ImageRefs to the input topic at a fixed rate (open loop) or as fast as possible, "
                    + "reads the output and dead-letter topics with read_committed, matches every id, and writes "
                    + "report.json and report.html.",
            "Exit status: 0 PASS (every id exactly once), 1 FAIL (lost, duplicated or unexpected ids, failed sends), "
                    + "2 usage error, 3 could not run."
        })
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]")
    String bootstrapServers;

    @Option(names = "--input-topic", defaultValue = "featurex.images", description = "Default: ${DEFAULT-VALUE}.")
    String inputTopic;

    @Option(names = "--output-topic", defaultValue = "featurex.features", description = "Default: ${DEFAULT-VALUE}.")
    String outputTopic;

    @Option(
            names = "--dead-letter-topic",
            defaultValue = "featurex.dead-letters",
            description = "Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Option(
            names = "--rate",
            required = true,
            paramLabel = "PER_SECOND|max",
            description = "Refs per second, sent open loop on a fixed schedule; 'max': as fast as possible.")
    String rate;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Bounds bounds;

    static final class Bounds {
        @Option(names = "--count", paramLabel = "N", description = "Refs to send.")
        Long count;

        @Option(names = "--duration", paramLabel = "DURATION", description = "How long to send (90s, 2m).")
        Duration duration;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Images images;

    static final class Images {
        @Option(
                names = "--images",
                paramLabel = "DIR",
                description = "Send the image files of this folder, round robin.")
        Path folder;

        @Option(names = "--generate", paramLabel = "N", description = "Generate N distinct JPEGs and send those.")
        Integer generate;
    }

    @Option(
            names = "--generated-dir",
            paramLabel = "DIR",
            defaultValue = "loadtest-images",
            description = "Where --generate writes (reused when already there). Default: ${DEFAULT-VALUE}.")
    Path generatedDir;

    @Option(
            names = "--image-size",
            paramLabel = "PX",
            defaultValue = "224",
            description = "Side of generated images. Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--inline", description = "Send image bytes inline instead of file: URIs.")
    boolean inline;

    @Option(
            names = "--bad-every",
            paramLabel = "K",
            defaultValue = "0",
            description = "Every K-th ref names a missing file (a FILE_NOT_FOUND dead letter); 0: none.")
    int badEvery;

    @Option(
            names = "--create-topics",
            description = "Create missing topics (else wait for the workers to create them).")
    boolean createTopics;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "Partitions of created topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--drain-timeout",
            defaultValue = "120s",
            description = "After the last send, how long to wait for missing outputs. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(
            names = "--grace",
            defaultValue = "3s",
            description =
                    "After the last id arrived, how long to keep reading for duplicates. Default: ${DEFAULT-VALUE}.")
    Duration grace;

    @Option(
            names = "--events-file",
            paramLabel = "FILE",
            description =
                    "Lines '<epoch-ms> <label>' (worker joins/leaves) written during the run; pauses are measured after each.")
    Path eventsFile;

    @Option(
            names = "--pause-window",
            defaultValue = "30s",
            description = "How long after an event to look for the longest pause in output. Default: ${DEFAULT-VALUE}.")
    Duration pauseWindow;

    @Option(
            names = "--progress",
            defaultValue = "1s",
            description = "Progress line interval; 0 for none. Default: ${DEFAULT-VALUE}.")
    Duration progress;

    @Option(names = "--out", paramLabel = "DIR", description = "Report folder. Default: loadtest-report-<run id>.")
    Path out;

    @Option(names = "--run-id", description = "Prefix of every id sent. Default: lt-<UTC time>-<random>.")
    String runId;

    @Option(names = "--note", paramLabel = "TEXT", description = "A note shown at the top of the report (repeatable).")
    List<String> notes = new ArrayList<>();

    @Option(
            names = "--kafka",
            paramLabel = "KEY=VALUE",
            description = "Kafka client property for the producer, consumer and admin (repeatable).")
    Map<String, String> kafka = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        RateSchedule schedule;
        if ("max".equalsIgnoreCase(rate)) {
            schedule = RateSchedule.asFastAsPossible();
        } else {
            try {
                schedule = RateSchedule.fixed(Double.parseDouble(rate));
            } catch (IllegalArgumentException e) {
                System.err.println("--rate: a positive number or 'max', got '" + rate + "'");
                return 2;
            }
        }
        if (bounds.count != null && bounds.count < 1) {
            System.err.println("--count must be at least 1");
            return 2;
        }
        if (bounds.duration != null && bounds.count == null && !schedule.isOpenLoop()) {
            System.out.println(
                    "note: --rate max with --duration sends for that long; the count is whatever the producer takes");
        }
        ImageSource source;
        String description;
        if (images.folder != null) {
            source = ImageSource.folder(images.folder, inline, badEvery);
            description = images.folder.toAbsolutePath().toString();
        } else {
            source = ImageSource.generated(generatedDir, images.generate, imageSize, inline, badEvery);
            description =
                    images.generate + " generated " + imageSize + "x" + imageSize + " JPEGs in " + source.folder();
        }
        String id = runId != null ? runId : LoadTest.newRunId();
        Path dir = out != null ? out : Path.of("loadtest-report-" + id);
        LoadTestConfig config = new LoadTestConfig(
                bootstrapServers,
                inputTopic,
                outputTopic,
                deadLetterTopic,
                schedule,
                bounds.count == null ? -1 : bounds.count,
                bounds.duration,
                source,
                description,
                inline,
                badEvery,
                createTopics,
                partitions,
                drainTimeout,
                grace,
                eventsFile,
                pauseWindow,
                progress,
                id,
                List.copyOf(notes),
                commandText(),
                Map.copyOf(kafka));
        PrintStream err = System.err;
        err.printf(
                Locale.ROOT,
                "featurex-loadtest %s: %s to %s, %s; images %s%s%n",
                id,
                schedule,
                inputTopic,
                bounds.count != null ? bounds.count + " refs" : "for " + bounds.duration.toSeconds() + " s",
                description,
                images.folder == null && !inline ? " (workers need --fetch-file-roots " + source.folder() + ")" : "");
        Report report = new LoadTest(config, err).run();
        Files.createDirectories(dir);
        ReportJson.write(report, dir.resolve("report.json"));
        HtmlReport.write(report, dir.resolve("report.html"));
        Report.Summary s = report.summary();
        // Through picocli's writer, so a caller (a test expecting FAIL, say) can take the verdict.
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s: sent %d, completed %d (%d features, %d dead letters), lost %d, duplicated %d; steady %.1f/s; "
                        + "latency p50 %d ms, p90 %d ms, p99 %d ms, p99.9 %d ms, max %d ms%nreport: %s%n",
                s.verdict(),
                s.sent(),
                s.completed(),
                s.features(),
                s.deadLetters(),
                s.lost(),
                s.duplicated(),
                s.throughputSteady(),
                report.latencyMs().output().p50(),
                report.latencyMs().output().p90(),
                report.latencyMs().output().p99(),
                report.latencyMs().output().p999(),
                report.latencyMs().output().max(),
                dir.resolve("report.html").toAbsolutePath());
        out.flush();
        return "PASS".equals(s.verdict()) ? 0 : 1;
    }

    private static String commandText() {
        String cmd = System.getProperty("featurex.loadtest.command");
        if (cmd != null && !cmd.isBlank()) {
            return cmd;
        }
        return ProcessHandle.current().info().commandLine().orElse("featurex-loadtest");
    }
}
