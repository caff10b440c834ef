package io.featurex.worker.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A worker as its own process, from the packaged jar (Failsafe runs after {@code package}):
 * started, killed with SIGKILL, stopped with SIGTERM and restarted under the same worker id, as
 * an orchestrator would.
 */
public final class ForkedWorker implements AutoCloseable {

    private static final Path JAR = Path.of("target/featurex-worker.jar");

    private final String workerId;
    private final List<String> args;
    private final Path log;
    private final int metricsPort;
    private Process process;
    private String heap = "-Xmx384m";
    private final Map<String, String> env = new HashMap<>();

    public ForkedWorker(String workerId, List<String> runArgs, Path logDir) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " missing: integration tests run after mvn package");
        }
        this.workerId = workerId;
        this.args = List.copyOf(runArgs);
        this.log = logDir.resolve(workerId + ".log");
        try (ServerSocket socket = new ServerSocket(0)) {
            this.metricsPort = socket.getLocalPort();
        }
    }

    /** The heap cap, as a -Xmx value (the launcher gives run 768m; these tests default to 384m). */
    public ForkedWorker heap(String xmx) {
        this.heap = "-Xmx" + xmx;
        return this;
    }

    /** Environment variables for the process (e.g. AWS credentials), beside this JVM's own. */
    public ForkedWorker env(Map<String, String> variables) {
        env.putAll(variables);
        return this;
    }

    public ForkedWorker start() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                heap,
                "-Dai.djl.offline=true",
                "-DDJL_CACHE_DIR=" + System.getProperty("DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai"),
                "-jar",
                JAR.toString(),
                "run",
                "--worker-id",
                workerId,
                "--metrics-port",
                Integer.toString(metricsPort)));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return this;
    }

    /** Waits until /readyz answers 200: model loaded, consuming. */
    public ForkedWorker awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(workerId + " exited with " + process.exitValue() + "; log: " + log);
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(workerId + " not ready within " + timeout + "; log: " + log);
    }

    /** The /metrics text as Prometheus would scrape it. */
    public String scrapeMetrics() throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Waits for the process to end by itself; returns its exit code, or -1 if it still runs after the timeout. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGKILL: no drain, no commit, no goodbye to the group. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits; returns the exit code, or -1 if it did not exit within the timeout. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** The process's peak resident set so far (VmHWM), in bytes. */
    public long peakRssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmHWM for process " + process.pid());
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String id() {
        return workerId;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        if (isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
