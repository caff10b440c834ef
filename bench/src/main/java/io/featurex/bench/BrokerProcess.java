package io.featurex.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Kafka broker in its own process ({@code featurex broker}), on free ports, so that the
 * broker's CPU and memory are not counted in the worker's process. Usable once it prints
 * {@code READY host:port}; its output goes to a log file.
 */
final class BrokerProcess implements AutoCloseable {

    private final Process process;
    private final String bootstrapServers;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    static BrokerProcess start(Path dataDir, Path log, Duration timeout) throws IOException {
        Files.createDirectories(dataDir);
        int port = freePort();
        int controllerPort = freePort();
        Process process = Children.register(new ProcessBuilder(JavaCommand.featurex(
                        "broker",
                        "--dir",
                        dataDir.toString(),
                        "--port",
                        Integer.toString(port),
                        "--controller-port",
                        Integer.toString(controllerPort)))
                .redirectErrorStream(true)
                .start());
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                            PrintWriter file =
                                    new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                        for (String line; (line = lines.readLine()) != null; ) {
                            file.println(line);
                            if (line.startsWith("READY ")) {
                                ready.complete(line.substring("READY ".length()).trim());
                            }
                        }
                    } catch (IOException e) {
                        ready.completeExceptionally(e);
                    }
                    ready.completeExceptionally(new IOException("broker exited before READY (see " + log + ")"));
                },
                "featurex-bench-broker-log");
        pump.setDaemon(true);
        pump.start();
        try {
            return new BrokerProcess(process, ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Children.stop(process, Duration.ofSeconds(5));
            throw new IOException("interrupted while the broker started", e);
        } catch (ExecutionException | TimeoutException e) {
            Children.stop(process, Duration.ofSeconds(5));
            throw new IOException("broker not ready within " + timeout + " (see " + log + "): " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        Children.stop(process, Duration.ofSeconds(20));
    }
}
