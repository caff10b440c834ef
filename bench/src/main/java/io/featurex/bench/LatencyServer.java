package io.featurex.bench;

import io.featurex.worker.http.HttpService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An object store stand-in on loopback for the bench: serves a folder's files over http, each
 * request answered after the latency its URI asks for ({@code ?latency=MS}), from a timer rather
 * than a sleeping thread, so the server is never what limits concurrency.
 */
final class LatencyServer implements AutoCloseable {

    private final Path root;
    private final HttpService http;
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);

    LatencyServer(List<Path> files) throws IOException {
        this.root = commonFolder(files);
        // The JDK server closes idle keep-alive connections beyond 200 by default; the worker copes
        // (it sends again what never left), but the stand-in should not be what is measured.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        this.http = HttpService.bind(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024, Executors.newCachedThreadPool());
        http.route("/", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1))
                    .normalize();
            String query = exchange.getRequestURI().getQuery();
            long latency = query == null ? 0 : Long.parseLong(query.replace("latency=", ""));
            byte[] body = file.startsWith(root) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            answers.schedule(
                    () -> {
                        try {
                            if (body == null) {
                                exchange.sendResponseHeaders(404, -1);
                            } else {
                                exchange.sendResponseHeaders(200, body.length);
                                exchange.getResponseBody().write(body);
                            }
                        } catch (IOException e) {
                            // The worker gave up on it (deadline): nothing to answer to.
                        } finally {
                            exchange.close();
                        }
                    },
                    latency,
                    TimeUnit.MILLISECONDS);
        });
        http.start();
    }

    /** The http URI of {@code file}, answered after {@code latencyMs}. */
    String uri(Path file, int latencyMs) {
        try {
            return new URI(
                            "http",
                            null,
                            "127.0.0.1",
                            http.port(),
                            "/"
                                    + root.relativize(file.toAbsolutePath())
                                            .toString()
                                            .replace('\\', '/'),
                            "latency=" + latencyMs,
                            null)
                    .toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("no URI for " + file, e);
        }
    }

    /** The folder holding every file (served here, and where file: refs are confined to). */
    static Path commonFolder(List<Path> files) {
        Path common = files.get(0).toAbsolutePath().getParent();
        for (Path p : files) {
            while (!p.toAbsolutePath().startsWith(common)) {
                common = common.getParent();
            }
        }
        return common;
    }

    @Override
    public void close() {
        http.close();
        answers.shutdownNow();
    }
}
