package io.featurex.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Workers through a real broker in its own process: featurex (its {@code run} command, a
 * subprocess started as a user would) and the Python peers, on the same image sets, weights and
 * ref counts, one after another on fresh topics; then featurex facing a large backlog.
 */
final class EndToEndSection {

    static final String FEATUREX = "featurex";
    /** featurex with decode.jpeg-reduce: not PIL-exact, shown beside the exact run of the same bench. */
    static final String FEATUREX_REDUCED = "featurex-reduced";
    /** featurex with model.precision=int8 on the same weights quantized by tools/int8/quantize_vgg16.py. */
    static final String FEATUREX_INT8 = "featurex-int8";

    static final String PYTHON = "python-batched";
    static final String NAIVE = "python-naive";

    record Settings(
            List<ImageSet> sets,
            List<String> workers,
            int refs,
            int batchMaxSize,
            int batchMaxDelayMs,
            int decodeThreads,
            int threads,
            String pythonExe,
            int backlog,
            int backlogOutputs,
            int backlogLatencyMs,
            int rounds,
            int retries,
            double maxOthers) {}

    record Result(List<RunResult> runs, Optional<RunResult> backlog) {}

    private final Settings settings;
    private final Workspace workspace;
    private final PrintStream progress;
    private Optional<Path> int8Weights = Optional.empty();

    EndToEndSection(Settings settings, Workspace workspace, PrintStream progress) {
        this.settings = settings;
        this.workspace = workspace;
        this.progress = progress;
    }

    /** @param int8Weights the INT8 file for the featurex-int8 worker; empty when it is not run */
    Result run(Path weights, Optional<Path> int8Weights) throws IOException {
        this.int8Weights = int8Weights;
        List<RunResult> rows = new ArrayList<>();
        Optional<RunResult> backlog = Optional.empty();
        progress.println("bench: starting a Kafka broker as its own process");
        try (BrokerProcess broker = BrokerProcess.start(
                workspace.brokerData(), workspace.logs().resolve("broker.log"), Duration.ofSeconds(120))) {
            String bootstrap = broker.bootstrapServers();
            List<WorkerSession> sessions = new ArrayList<>();
            try {
                for (String worker : settings.workers()) {
                    WorkerSession session =
                            WorkerSession.open(broker, workspace.logs(), worker, launch(worker, bootstrap, weights));
                    sessions.add(session);
                    session.start();
                }
                progress.println("bench: workers " + settings.workers() + " started; waiting until each consumes");
                for (WorkerSession session : sessions) {
                    session.awaitConsuming();
                }
                List<RunResult> waves = new ArrayList<>();
                for (int round = 1; round <= settings.rounds(); round++) {
                    for (ImageSet set : settings.sets()) {
                        for (WorkerSession session : sessions) {
                            waves.add(wave(session, set, "round " + round));
                        }
                    }
                }
                // A shared machine: the waves whose fastest try still ran beside other processes get more tries.
                for (int retry = 1; retry <= settings.retries(); retry++) {
                    for (RunResult best : fastest(waves)) {
                        if (!(best.foreignCores() <= settings.maxOthers())) {
                            waves.add(wave(session(sessions, best.label()), set(best.set()), "retry " + retry));
                        }
                    }
                }
                Map<String, WorkerSession.Summary> summaries = new LinkedHashMap<>();
                for (WorkerSession session : sessions) {
                    summaries.put(session.label(), session.finish());
                }
                for (RunResult best : fastest(waves)) {
                    rows.add(best.withSession(summaries.get(best.label())));
                }
            } finally {
                sessions.forEach(WorkerSession::close);
            }
            if (settings.backlog() > 0 && settings.workers().contains(FEATUREX)) {
                backlog = Optional.of(backlog(broker, weights));
            }
        }
        return new Result(rows, backlog);
    }

    private static WorkerSession session(List<WorkerSession> sessions, String label) {
        return sessions.stream()
                .filter(s -> s.label().equals(label))
                .findFirst()
                .orElseThrow();
    }

    private ImageSet set(String name) {
        return settings.sets().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private RunResult wave(WorkerSession session, ImageSet set, String pass) {
        progress.printf(
                Locale.ROOT,
                "bench: end-to-end %-8s %-15s on %-8s (%d refs)",
                pass,
                session.label(),
                set.name(),
                settings.refs());
        RunResult r = session.wave(set, settings.refs());
        progress.printf(
                Locale.ROOT,
                ": %s (other processes: %.2f cores)%n",
                r.complete()
                        ? Format.rate(r.steadyRate()) + " images/s"
                        : "FAILED: " + r.failure().orElse("incomplete"),
                r.foreignCores());
        return r;
    }

    /** featurex started with a backlog already waiting: its memory while it works through the first outputs. */
    private RunResult backlog(BrokerProcess broker, Path weights) throws IOException {
        String bootstrap = broker.bootstrapServers();
        ImageSet set = settings.sets().get(settings.sets().size() - 1);
        progress.printf(
                Locale.ROOT,
                "bench: featurex with a backlog of %,d refs (%s), until %d outputs%n",
                settings.backlog(),
                set.name(),
                settings.backlogOutputs());
        boolean http = settings.backlogLatencyMs() >= 0;
        try (LatencyServer server = new LatencyServer(set.files());
                WorkerSession session = WorkerSession.open(
                        broker,
                        workspace.logs(),
                        "featurex-backlog",
                        launch(
                                FEATUREX,
                                bootstrap,
                                weights,
                                http ? List.of("--fetch-allow-private-addresses", "true") : List.of()))) {
            long first = http
                    ? session.produce(set, settings.backlog(), file -> server.uri(file, settings.backlogLatencyMs()))
                    : session.produce(set, settings.backlog());
            session.start();
            HostLoad.Snapshot load = session.snapshot();
            RunResult r = session.collect(set, settings.backlogOutputs(), first, load, Optional.empty());
            return r.withSession(session.finish());
        }
    }

    /** Per worker and set, the fastest complete round (or the last failure), in first-round order. */
    static List<RunResult> fastest(List<RunResult> all) {
        Map<String, RunResult> best = new LinkedHashMap<>();
        for (RunResult r : all) {
            String key = r.label() + "|" + r.set();
            RunResult seen = best.get(key);
            if (seen == null
                    || !seen.complete() && r.complete()
                    || seen.complete() && r.complete() && r.steadyRate() > seen.steadyRate()) {
                best.put(key, r);
            }
        }
        return new ArrayList<>(best.values());
    }

    private WorkerLaunch launch(String worker, String bootstrap, Path weights) throws IOException {
        return launch(worker, bootstrap, weights, List.of());
    }

    private WorkerLaunch launch(String worker, String bootstrap, Path weights, List<String> extra) throws IOException {
        String python = settings.pythonExe();
        return switch (worker) {
            case FEATUREX, FEATUREX_REDUCED, FEATUREX_INT8 -> {
                int port = freePort();
                String reduce = Boolean.toString(worker.equals(FEATUREX_REDUCED));
                boolean int8 = worker.equals(FEATUREX_INT8);
                Path file = int8 ? int8Weights.orElseThrow() : weights;
                yield new WorkerLaunch(
                        worker,
                        t -> concat(
                                JavaCommand.featurex(
                                        "run",
                                        "--bootstrap-servers",
                                        bootstrap,
                                        "--input-topic",
                                        t.input(),
                                        "--output-topic",
                                        t.output(),
                                        "--dead-letter-topic",
                                        t.deadLetters(),
                                        "--group-id",
                                        t.group(),
                                        "--model-weights",
                                        file.toString(),
                                        "--model-precision",
                                        int8 ? "int8" : "fp32",
                                        "--batch-max-size",
                                        Integer.toString(settings.batchMaxSize()),
                                        "--batch-max-delay-ms",
                                        Integer.toString(settings.batchMaxDelayMs()),
                                        "--pipeline-decode-threads",
                                        Integer.toString(settings.decodeThreads()),
                                        "--decode-jpeg-reduce",
                                        reduce,
                                        "--fetch-file-roots",
                                        roots(),
                                        "--metrics-port",
                                        Integer.toString(port)),
                                extra),
                        port);
            }
            case PYTHON ->
                new WorkerLaunch(
                        PYTHON,
                        t -> pythonPeer(
                                python,
                                "peers/python_worker.py",
                                t,
                                bootstrap,
                                weights,
                                List.of("--batch-size", Integer.toString(settings.batchMaxSize()))),
                        -1);
            case NAIVE ->
                new WorkerLaunch(
                        NAIVE, t -> pythonPeer(python, "peers/naive_worker.py", t, bootstrap, weights, List.of()), -1);
            default -> throw new IllegalArgumentException("unknown worker " + worker);
        };
    }

    /** A Python peer's command line: both peers take the same options, the batched one a batch size besides. */
    private List<String> pythonPeer(
            String python, String script, Topics t, String bootstrap, Path weights, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(
                python,
                workspace.script(script).toString(),
                "--bootstrap-servers",
                bootstrap,
                "--input-topic",
                t.input(),
                "--output-topic",
                t.output(),
                "--group-id",
                t.group(),
                "--weights",
                weights.toString(),
                "--threads",
                Integer.toString(settings.threads()),
                "--messages",
                "0",
                "--idle-timeout",
                "3600",
                "--proto-dir",
                workspace.protoOut().toString()));
        command.addAll(extra);
        return command;
    }

    /** Folders of the image sets (a user's --images folder lies outside the workspace). */
    private String roots() {
        List<String> dirs = new ArrayList<>();
        for (ImageSet set : settings.sets()) {
            for (Path f : set.files()) {
                String dir = f.toAbsolutePath().getParent().toString();
                if (!dirs.contains(dir)) {
                    dirs.add(dir);
                }
            }
        }
        return String.join(",", dirs);
    }

    private static List<String> concat(List<String> command, List<String> extra) {
        List<String> all = new ArrayList<>(command);
        all.addAll(extra);
        return all;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
