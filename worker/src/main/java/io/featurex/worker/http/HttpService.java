package io.featurex.worker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's HTTP server with the executor it runs its handlers on, stopped together: what the
 * worker's /metrics, the similar API and the bench's stand-in store each need around their routes.
 */
public final class HttpService implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpService(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Bound, not yet serving: add the routes, then {@link #start()}. */
    public static HttpService bind(InetSocketAddress address, int backlog, ExecutorService executor)
            throws IOException {
        HttpServer server = HttpServer.create(address, backlog);
        server.setExecutor(executor);
        return new HttpService(server, executor);
    }

    /** A fixed pool of daemon threads: a server's threads must not keep the JVM alive. */
    public static ExecutorService daemonThreads(String name, int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public HttpService route(String path, HttpHandler handler) {
        server.createContext(path, handler);
        return this;
    }

    public HttpService start() {
        server.start();
        return this;
    }

    /** Where it listens: the address bound and, when port 0 was asked for, the port it got. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** Answers {@code body} in UTF-8 and ends the response. */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
