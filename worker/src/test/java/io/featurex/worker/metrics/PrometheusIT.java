package io.featurex.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.featurex.v1.ImageRef;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.deploy.AlertRules;
import io.featurex.worker.deploy.DashboardQueries;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.testing.PrometheusServer;
import io.featurex.worker.testing.WorkerHarness;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes a running worker; PromQL through its HTTP API must give back the
 * lag and the throughput this test produced. Needs Debian's prometheus package (.ci/run installs it).
 */
class PrometheusIT {

    private static final int IMAGES = 10;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void promqlSeesTheLagAndThenTheThroughputTheTestProduced() throws Exception {
        assumeTrue(PrometheusServer.installed(), "needs /usr/bin/prometheus: apt-get install prometheus");
        Path images = Files.createDirectories(dir.resolve("images"));
        try (InputStream in = getClass().getResourceAsStream("/io/featurex/embedded/samples/cat.jpg")) {
            Files.copy(in, images.resolve("cat.jpg"));
        }
        List<byte[]> refs = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            refs.add(ImageRef.newBuilder()
                    .setId("img-" + i)
                    .setUri(images.resolve("cat.jpg").toUri().toString())
                    .build()
                    .toByteArray());
        }
        // Batches are held for 8 s: long enough for Prometheus to see all ten uncommitted, then committed.
        Map<String, String> settings = Map.of(
                "fetch.file-roots", images.toString(),
                "batch.max-size", "64",
                "batch.max-delay-ms", "8000");
        try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 8, Preprocessing.CAFFE));
                WorkerHarness worker = new WorkerHarness(model, 2, settings);
                MetricsServer endpoint = MetricsServer.start(new InetSocketAddress(0), worker.metrics, worker.health);
                PrometheusServer prometheus = PrometheusServer.scraping("127.0.0.1:" + endpoint.port(), dir)) {
            JvmMetrics.builder().register(worker.metrics.registry()); // as the worker process does
            worker.send(refs);
            worker.start();

            OptionalDouble lag = prometheus.awaitValue("featurex_consumer_lag_sum_records", IMAGES, WAIT);
            System.out.println("PromQL featurex_consumer_lag_sum_records (held batch) = " + lag);
            assertThat(lag).hasValue(IMAGES);
            assertThat(prometheus.query("sum(featurex_consumer_lag_records)")).hasValue(IMAGES);

            worker.awaitOutputs(IMAGES);
            assertThat(worker.features).hasSize(IMAGES);

            assertThat(prometheus.awaitValue("featurex_images_total{outcome=\"feature\"}", IMAGES, WAIT))
                    .hasValue(IMAGES);
            assertThat(prometheus.awaitValue("featurex_consumer_lag_sum_records", 0, WAIT))
                    .hasValue(0);
            String window = "featurex_images_total{outcome=\"feature\"}[2m]";
            OptionalDouble produced = prometheus.query("max_over_time(" + window + ") - min_over_time(" + window + ")");
            OptionalDouble rate = prometheus.query("rate(" + window + ")");
            OptionalDouble batches = prometheus.query("featurex_batches_total");
            OptionalDouble modelInfo = prometheus.query("featurex_model_info{weights_digest=\"random:seed=42\"}");
            // Which decoders ran is visible, whichever this machine has.
            OptionalDouble decoders =
                    prometheus.query("featurex_model_info{decoder=~\"jpeg=(turbo|imageio) webp=(libwebp|imageio)\"}");
            System.out.printf(
                    "PromQL: images in window = %s, rate(%s) = %s /s, batches = %s%n", produced, window, rate, batches);
            assertThat(produced).hasValue(IMAGES);
            assertThat(rate).isPresent();
            // rate() over the window is the images divided by the time the samples span (at most 2 min).
            assertThat(rate.getAsDouble()).isGreaterThanOrEqualTo(IMAGES / 120.0);
            assertThat(batches).hasValue(1);
            assertThat(modelInfo).hasValue(1);
            assertThat(decoders).hasValue(1);

            // The shipped dashboard and alert rules read only series this worker really exports,
            // and every dashboard query is PromQL this Prometheus accepts.
            Set<String> exported = scrapedNames(endpoint.port());
            Path dashboard = Path.of("../deploy/grafana/featurex-dashboard.json");
            Path rules = Path.of("../deploy/prometheus/featurex-rules.yml");
            assertThat(exported).containsAll(DashboardQueries.metricNames(dashboard));
            assertThat(exported)
                    .containsAll(AlertRules.metricNames(rules)); // minus Prometheus' own and recorded series
            for (var e : DashboardQueries.expressions(dashboard).entrySet()) {
                String expr =
                        e.getValue().replaceAll("\\$__(rate_)?interval", "1m").replaceAll("\\$\\{?\\w+}?", ".*");
                assertThat(prometheus.query(expr)).as(e.getKey() + ": " + expr).isNotNull();
            }
            System.out.println(
                    "dashboard: " + DashboardQueries.expressions(dashboard).size() + " queries over "
                            + DashboardQueries.metricNames(dashboard).size()
                            + " metrics, all exported and accepted by Prometheus");
        }
    }

    private static Set<String> scrapedNames(int port) throws Exception {
        String text = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }
}
