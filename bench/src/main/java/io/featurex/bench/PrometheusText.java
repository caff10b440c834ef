package io.featurex.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Samples of a Prometheus text exposition ({@code /metrics}), by series as written:
 * {@code name} or {@code name{label="value",...}}. Enough to read a worker's counters and
 * histogram sums after a run; not a general parser (no escapes inside label values).
 */
public final class PrometheusText {

    private final Map<String, Double> samples;

    private PrometheusText(Map<String, Double> samples) {
        this.samples = samples;
    }

    /** A worker's /metrics on loopback now; empty when it does not answer (not up yet, or gone). */
    static Optional<PrometheusText> scrape(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(parse(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public static PrometheusText parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            int open = line.indexOf('{');
            int seriesEnd = open >= 0 && (space < 0 || open < space) ? line.indexOf('}', open) + 1 : space;
            if (seriesEnd <= 0 || seriesEnd >= line.length()) {
                continue;
            }
            String series = line.substring(0, seriesEnd);
            String[] rest = line.substring(seriesEnd).strip().split("\\s+");
            try {
                samples.put(series, Double.parseDouble(rest[0]));
            } catch (NumberFormatException e) {
                // a value we do not need (or an exemplar); skip the line
            }
        }
        return new PrometheusText(samples);
    }

    /** The sample of {@code name} with exactly these labels, given as alternating name, value. */
    public OptionalDouble value(String name, String... labels) {
        Double v = samples.get(series(name, labels));
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** As {@link #value}, NaN when absent. */
    public double get(String name, String... labels) {
        return value(name, labels).orElse(Double.NaN);
    }

    static String series(String name, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        if (labels.length == 0) {
            return name;
        }
        StringBuilder s = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                s.append(',');
            }
            s.append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
        }
        return s.append('}').toString();
    }
}
