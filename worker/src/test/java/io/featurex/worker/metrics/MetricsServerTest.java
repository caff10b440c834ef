package io.featurex.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private static final int CONNECT_TIMEOUT_MS = 2000;

    @Test
    void listensOnTheAddressGivenAndNoOther() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (MetricsServer server = MetricsServer.start(
                new InetSocketAddress(loopback, 0), new WorkerMetrics(new PrometheusRegistry()), new Health())) {
            assertThat(server.address().getAddress()).isEqualTo(loopback);
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            // Other addresses of this same host: with the wildcard bound, either would answer.
            for (String other : new String[] {"127.0.0.2", "::1"}) {
                assertThatThrownBy(() -> connect(InetAddress.getByName(other), server.port()))
                        .as(other)
                        .isInstanceOf(IOException.class);
            }
        }
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
        }
    }
}
