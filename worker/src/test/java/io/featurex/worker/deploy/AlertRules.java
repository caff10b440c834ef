package io.featurex.worker.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * The PromQL of a Prometheus rule file, by rule. Used by {@link AlertRulesTest} against the
 * metric catalogue, and reusable against a live {@code /metrics} scrape.
 */
public final class AlertRules {

    /** Series Prometheus makes itself for each target; no /metrics exports them. */
    public static final Set<String> PROMETHEUS_SERIES = Set.of(
            "up",
            "scrape_duration_seconds",
            "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling",
            "scrape_series_added");

    private AlertRules() {}

    /**
     * The metric names the rules read from the workers' /metrics: every series in their
     * expressions, less the file's own recording rules and Prometheus' per-target series.
     */
    public static Set<String> metricNames(Path rulesYaml) {
        Set<String> names = new TreeSet<>();
        expressions(rulesYaml).values().forEach(expr -> names.addAll(PromQl.metricNames(expr)));
        names.removeAll(recordedNames(rulesYaml));
        names.removeAll(PROMETHEUS_SERIES);
        return names;
    }

    /** Each rule's expression, keyed "record NAME" or "alert NAME". */
    public static Map<String, String> expressions(Path rulesYaml) {
        Map<String, String> exprs = new LinkedHashMap<>();
        for (JsonNode rule : rules(rulesYaml)) {
            String key = rule.has("alert")
                    ? "alert " + rule.path("alert").asString()
                    : "record " + rule.path("record").asString();
            exprs.put(key, rule.path("expr").asString());
        }
        return exprs;
    }

    /** The names the file's recording rules define. */
    public static Set<String> recordedNames(Path rulesYaml) {
        Set<String> names = new TreeSet<>();
        for (JsonNode rule : rules(rulesYaml)) {
            if (rule.has("record")) {
                names.add(rule.path("record").asString());
            }
        }
        return names;
    }

    /** Every rule of every group, as parsed YAML. */
    static Iterable<JsonNode> rules(Path rulesYaml) {
        JsonNode root = KubernetesYaml.MAPPER.readTree(rulesYaml);
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : root.path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }
}
