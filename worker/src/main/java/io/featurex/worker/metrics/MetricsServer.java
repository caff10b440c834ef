package io.featurex.worker.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.featurex.worker.http.HttpService;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Serves /metrics (Prometheus text format), /healthz (alive) and /readyz (ready for traffic). */
public final class MetricsServer implements AutoCloseable {

    private final HttpService http;

    private MetricsServer(HttpService http) {
        this.http = http;
    }

    public static MetricsServer start(InetSocketAddress address, WorkerMetrics metrics, Health health)
            throws IOException {
        HttpService http = HttpService.bind(address, 16, HttpService.daemonThreads("featurex-metrics-http", 1))
                .route("/metrics", new MetricsHandler(metrics.registry()))
                .route("/healthz", exchange -> respond(exchange, health.alive(), health))
                .route("/readyz", exchange -> respond(exchange, health.ready(), health))
                .start();
        return new MetricsServer(http);
    }

    public InetSocketAddress address() {
        return http.address();
    }

    public int port() {
        return http.port();
    }

    private static void respond(HttpExchange exchange, boolean ok, Health health) throws IOException {
        HttpService.respond(
                exchange,
                ok ? 200 : 503,
                "text/plain; charset=utf-8",
                health.state() + (health.detail().isEmpty() ? "" : ": " + health.detail()) + "\n");
    }

    @Override
    public void close() {
        http.close();
    }
}
