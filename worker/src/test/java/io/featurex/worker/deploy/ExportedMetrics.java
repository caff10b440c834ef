package io.featurex.worker.deploy;

import io.featurex.worker.metrics.MetricSpec;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/** The series names a worker's /metrics exposes, as queries must spell them. */
public final class ExportedMetrics {

    private ExportedMetrics() {}

    /**
     * The worker's own series, from the {@link MetricSpec} catalogue: counters and info metrics by
     * their exposed name (already ending in _total / _info), gauges by name, histograms as
     * their _bucket, _sum and _count series (Prometheus has no series by the bare name).
     */
    public static Set<String> worker() {
        Set<String> names = new TreeSet<>();
        for (MetricSpec m : MetricSpec.values()) {
            if (m.type() == MetricSpec.Type.HISTOGRAM) {
                names.add(m.exposedName() + "_bucket");
                names.add(m.exposedName() + "_sum");
                names.add(m.exposedName() + "_count");
            } else {
                names.add(m.exposedName());
            }
        }
        return names;
    }

    /**
     * The JVM series, from a scrape of the same JvmMetrics the worker registers: names are
     * checked exactly (jvm_memory_used_bytes, not the 0.x client's jvm_memory_bytes_used).
     */
    public static Set<String> jvm() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seriesNames(out.toString(StandardCharsets.UTF_8));
    }

    /** The series names of a Prometheus text exposition. */
    public static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
