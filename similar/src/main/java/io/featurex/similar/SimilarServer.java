package io.featurex.similar;

import com.sun.net.httpserver.HttpExchange;
import io.featurex.worker.BadInputException;
import io.featurex.worker.http.HttpService;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API, JSON in every answer:
 *
 * <ul>
 *   <li>{@code GET /similar?id=ID&k=10&metric=cosine|euclidean}: the k nearest to an indexed id
 *       (the id itself left out); 404 when the id is not indexed. The metric defaults to the
 *       index's ({@code --metric}); an HNSW index answers only its own, 400 for the other.
 *   <li>{@code POST /similar?k=10&metric=...} with image bytes as the body: the k nearest to that
 *       image, extracted with the configured model; 409 when that model is not the index's, 422
 *       when the bytes are no image the worker would decode.
 *   <li>{@code GET /stats}: sizes, the index's model, refused and malformed counts, which index
 *       (exact or HNSW) with its settings.
 *   <li>{@code GET /healthz}: 200 while the index follows the topic, 503 once following failed.
 * </ul>
 *
 * <p>With a token, /similar and /stats answer only requests that present it (what the index
 * holds is the users' data, and /stats names the topic and the model); /healthz stays open, as
 * the probes that restart the server carry no credentials and learn nothing from it.
 */
public final class SimilarServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimilarServer.class);
    static final int MAX_K = 10_000;

    private final HttpService http;
    private final SimilarityIndex index;
    private final IndexFollower follower;
    private final ImageQueries images;
    private final long maxImageBytes;

    private SimilarServer(
            HttpService http, SimilarityIndex index, IndexFollower follower, ImageQueries images, long maxImageBytes) {
        this.http = http;
        this.index = index;
        this.follower = follower;
        this.images = images;
        this.maxImageBytes = maxImageBytes;
    }

    /**
     * @param images        null: image queries are answered 501
     * @param threads       concurrent requests; each search scans the whole index on its thread
     * @param token         null: the queries are open to whoever reaches {@code address}
     */
    public static SimilarServer start(
            InetSocketAddress address,
            SimilarityIndex index,
            IndexFollower follower,
            ImageQueries images,
            long maxImageBytes,
            int threads,
            BearerToken token)
            throws IOException {
        HttpService http = HttpService.bind(address, 64, HttpService.daemonThreads("featurex-similar-http", threads));
        SimilarServer s = new SimilarServer(http, index, follower, images, maxImageBytes);
        http.route("/similar", TokenGuard.guard(token, s::similar))
                .route("/stats", TokenGuard.guard(token, s::stats))
                .route("/healthz", s::health)
                .start();
        return s;
    }

    public int port() {
        return http.port();
    }

    private void similar(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/similar")) {
                respond(
                        exchange,
                        404,
                        Json.error("not found: " + exchange.getRequestURI().getPath()));
                return;
            }
            Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
            int k;
            Metric metric;
            try {
                k = k(params.get("k"));
                metric = Metric.parse(
                        params.getOrDefault("metric", index.settings().metric().key()));
            } catch (IllegalArgumentException e) {
                respond(exchange, 400, Json.error(e.getMessage()));
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> byId(exchange, params.get("id"), k, metric);
                case "POST" -> byImage(exchange, k, metric);
                default -> {
                    exchange.getResponseHeaders().set("Allow", "GET, POST");
                    respond(exchange, 405, Json.error("use GET with ?id= or POST with image bytes"));
                }
            }
        } catch (RuntimeException e) {
            log.error("similar request failed: {}", e.toString(), e);
            respond(exchange, 500, Json.error(e.toString()));
        }
    }

    private void byId(HttpExchange exchange, String id, int k, Metric metric) throws IOException {
        if (id == null || id.isEmpty()) {
            respond(exchange, 400, Json.error("give ?id=ID (GET), or POST image bytes"));
            return;
        }
        try {
            List<Neighbour> results = index.nearestToId(id, k, metric);
            respond(exchange, 200, Json.neighbours(Json.idQuery(id), metric, k, results, index.stats()));
        } catch (NoSuchElementException e) {
            respond(exchange, 404, Json.error(e.getMessage()));
        } catch (UnsupportedMetricException e) {
            respond(exchange, 400, Json.error(e.getMessage()));
        }
    }

    private void byImage(HttpExchange exchange, int k, Metric metric) throws IOException {
        if (images == null) {
            respond(exchange, 501, Json.error("image queries are off (no model configured)"));
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxImageBytes + 1));
        }
        if (body.length > maxImageBytes) {
            respond(exchange, 413, Json.error("image over " + maxImageBytes + " bytes (fetch.max-bytes)"));
            return;
        }
        if (body.length == 0) {
            respond(exchange, 400, Json.error("POST the image bytes as the request body"));
            return;
        }
        try {
            ImageQueries.Query q = images.vectorOf(body);
            List<Neighbour> results = index.nearest(q.vector(), q.model(), k, metric);
            respond(exchange, 200, Json.neighbours(Json.imageQuery(body.length), metric, k, results, index.stats()));
        } catch (BadInputException e) {
            respond(exchange, 422, Json.error(e.code() + ": " + e.getMessage()));
        } catch (ModelMismatchException e) {
            respond(exchange, 409, Json.error(e.getMessage()));
        } catch (UnsupportedMetricException e) {
            respond(exchange, 400, Json.error(e.getMessage()));
        }
    }

    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            respond(exchange, 200, Json.stats(index.stats(), follower));
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (follower.failure() == null) {
                respond(exchange, 200, Json.status("following"));
            } else {
                // The cause stays on /stats, behind the token: it can name brokers, topics and principals.
                respond(exchange, 503, Json.error("the index stopped following the feature topic"));
            }
        }
    }

    static int k(String text) {
        if (text == null || text.isEmpty()) {
            return 10;
        }
        int k;
        try {
            k = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("k must be a whole number, got '" + text + "'");
        }
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", got " + k);
        }
        return k;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    static void respond(HttpExchange exchange, int status, String json) throws IOException {
        HttpService.respond(exchange, status, "application/json; charset=utf-8", json + "\n");
    }

    @Override
    public void close() {
        http.close();
    }
}
