package io.featurex.worker.testing;

import io.featurex.embedded.StandaloneBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker as its own process (what {@code featurex broker} runs), on fixed ports over one data
 * directory, so it can be stopped or killed and come back with everything it had.
 */
public final class ForkedBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Path log;
    private Process process;

    public ForkedBroker(Path dir) throws IOException {
        this.dir = dir;
        try (ServerSocket a = new ServerSocket(0);
                ServerSocket b = new ServerSocket(0)) {
            this.port = a.getLocalPort();
            this.controllerPort = b.getLocalPort();
        }
        this.log = dir.resolveSibling(dir.getFileName() + ".log");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public ForkedBroker start(Duration timeout) throws Exception {
        process = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StandaloneBroker.class.getName(),
                        dir.toString(),
                        Integer.toString(port),
                        Integer.toString(controllerPort))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                            Writer file = Files.newBufferedWriter(
                                    log,
                                    StandardCharsets.UTF_8,
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.APPEND)) {
                        for (String line; (line = out.readLine()) != null; ) {
                            file.write(line + "\n");
                            file.flush();
                            if (line.startsWith("READY ")) {
                                ready.complete(null);
                            }
                        }
                    } catch (IOException e) {
                        ready.completeExceptionally(e);
                    }
                    ready.completeExceptionally(
                            new IllegalStateException("broker exited before it was ready; log: " + log));
                },
                "forked-broker-output");
        pump.setDaemon(true);
        pump.start();
        ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** SIGTERM: a clean shutdown. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
