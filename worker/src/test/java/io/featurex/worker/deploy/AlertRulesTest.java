package io.featurex.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featurex.worker.deploy.KubernetesYaml.Manifest;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * deploy/prometheus: the rules are valid for Prometheus and fire (or stay quiet) as their unit
 * tests say, read only series the worker exports, and expect the scrape job prometheus.yml
 * defines for the pods of deploy/k8s.
 */
class AlertRulesTest {

    private static final Path DIR = DeployFiles.path("prometheus");
    private static final Path RULES = DIR.resolve("featurex-rules.yml");

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        assumeTrue(Promtool.find().isPresent(), Promtool.MISSING);
        Promtool.Result result =
                Promtool.run(DIR, "check", "rules", RULES.getFileName().toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void alertsFireOnIncidentsAndStayQuietWhenHealthy() throws Exception {
        assumeTrue(Promtool.find().isPresent(), Promtool.MISSING);
        Promtool.Result result = Promtool.run(DIR, "test", "rules", "featurex-rules.test.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsExercisedByTheUnitTests() {
        JsonNode tests = KubernetesYaml.MAPPER.readTree(DIR.resolve("featurex-rules.test.yml"));
        assertThat(tests.path("rule_files").get(0).asString())
                .isEqualTo(RULES.getFileName().toString());
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : firing)
                        .add(check.path("alertname").asString());
            }
        }
        Set<String> alerts = new HashSet<>();
        AlertRules.expressions(RULES).keySet().stream()
                .filter(k -> k.startsWith("alert "))
                .forEach(k -> alerts.add(k.substring(6)));
        assertThat(firing).as("alerts shown to fire").containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(quiet)
                .as("alerts shown to stay quiet")
                .contains("FeaturexNoThroughput", "FeaturexDeadLetterRateHigh");
    }

    @Test
    void everyAlertHasForSeverityAndText() {
        for (JsonNode rule : AlertRules.rules(RULES)) {
            if (!rule.has("alert")) {
                assertThat(rule.path("record").asString())
                        .as("recording rules are named level:metric:operations")
                        .matches("featurex:[a-z0-9_]+:[a-z0-9_]+");
                continue;
            }
            String name = rule.path("alert").asString();
            assertThat(name).startsWith("Featurex");
            assertThat(rule.path("for").asString()).as(name + " for").matches("[0-9]+[smh]");
            assertThat(rule.path("labels").path("severity").asString())
                    .as(name + " severity")
                    .isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asString())
                    .as(name + " summary")
                    .isNotBlank();
            assertThat(rule.path("annotations").path("description").asString())
                    .as(name + " description")
                    .isNotBlank();
        }
    }

    @Test
    void theRulesReadOnlySeriesTheWorkerExports() {
        Set<String> exported = new HashSet<>(ExportedMetrics.worker());
        exported.addAll(ExportedMetrics.jvm());
        Set<String> read = AlertRules.metricNames(RULES);
        assertThat(read)
                .isNotEmpty()
                .allSatisfy(name -> assertThat(exported).as("exported series").contains(name));
        // Every recording rule's output and the per-target `up` are accounted for, not silently dropped.
        Set<String> everything = new HashSet<>();
        AlertRules.expressions(RULES).values().forEach(e -> everything.addAll(PromQl.metricNames(e)));
        everything.removeAll(read);
        assertThat(everything)
                .allSatisfy(name -> assertThat(name)
                        .matches(
                                n -> AlertRules.recordedNames(RULES).contains(n)
                                        || AlertRules.PROMETHEUS_SERIES.contains(n),
                                "recorded or Prometheus' own"));
        for (Map.Entry<String, String> e : AlertRules.expressions(RULES).entrySet()) {
            assertThat(PromQl.FUNCTIONS)
                    .as(e.getKey() + " calls known functions")
                    .containsAll(PromQl.functionCalls(e.getValue()));
        }
    }

    @Test
    void theScrapeJobFindsTheWorkerPodsUnderTheJobNameTheRulesUse() {
        JsonNode config = KubernetesYaml.MAPPER.readTree(DIR.resolve("prometheus.yml"));
        assertThat(config.path("rule_files").get(0).asString())
                .isEqualTo(RULES.getFileName().toString());
        JsonNode job = config.path("scrape_configs").get(0);
        String jobName = job.path("job_name").asString();
        assertThat(AlertRules.expressions(RULES).values())
                .filteredOn(e -> e.contains("up{"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e).contains("job=\"" + jobName + "\""));

        Deployment deployment = KubernetesYaml.read(DeployFiles.path("k8s/base/deployment.yaml")).stream()
                .map(Manifest::object)
                .map(Deployment.class::cast)
                .findFirst()
                .orElseThrow();
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        Set<String> targetLabels = new HashSet<>();
        boolean podKept = false;
        boolean portKept = false;
        for (JsonNode relabel : job.path("relabel_configs")) {
            String action = relabel.path("action").asString("replace");
            if (action.equals("replace")) {
                targetLabels.add(relabel.path("target_label").asString());
                continue;
            }
            assertThat(action).isEqualTo("keep");
            StringBuilder value = new StringBuilder();
            for (JsonNode source : relabel.path("source_labels")) {
                String meta = source.asString();
                String v;
                if (meta.startsWith("__meta_kubernetes_pod_label_")) {
                    String wanted = meta.substring("__meta_kubernetes_pod_label_".length());
                    v = podLabels.entrySet().stream()
                            .filter(l ->
                                    l.getKey().replaceAll("[^a-zA-Z0-9_]", "_").equals(wanted))
                            .map(Map.Entry::getValue)
                            .findFirst()
                            .orElse("");
                    podKept = true;
                } else if (meta.equals("__meta_kubernetes_pod_container_port_name")) {
                    v = "metrics";
                    portKept = true;
                } else {
                    throw new AssertionError("unexpected source label " + meta);
                }
                value.append(value.length() == 0 ? "" : ";").append(v);
            }
            assertThat(value.toString())
                    .as("relabel keep " + relabel)
                    .matches(relabel.path("regex").asString());
        }
        assertThat(podKept && portKept)
                .as("keeps the worker pods' metrics port")
                .isTrue();
        // The rules aggregate by namespace and name pods in their text.
        assertThat(targetLabels).contains("namespace", "pod");
    }
}
