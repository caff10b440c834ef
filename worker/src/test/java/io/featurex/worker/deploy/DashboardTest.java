package io.featurex.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** deploy/grafana: a well-formed dashboard whose every query reads series the worker exports. */
class DashboardTest {

    private static final Path DASHBOARD = DeployFiles.path("grafana/featurex-dashboard.json");

    @Test
    void everyQueryReadsOnlyExportedSeries() {
        Set<String> exported = new HashSet<>(ExportedMetrics.worker());
        exported.addAll(ExportedMetrics.jvm());
        Map<String, String> exprs = DashboardQueries.expressions(DASHBOARD);
        assertThat(exprs).hasSizeGreaterThan(10);
        for (Map.Entry<String, String> e : exprs.entrySet()) {
            Set<String> names = PromQl.metricNames(e.getValue());
            assertThat(names).as(e.getKey() + " reads a series").isNotEmpty();
            assertThat(exported).as(e.getKey() + ": " + e.getValue()).containsAll(names);
            assertThat(PromQl.FUNCTIONS)
                    .as(e.getKey() + " calls known functions")
                    .containsAll(PromQl.functionCalls(e.getValue()));
        }
    }

    @Test
    void theDashboardShowsWhatOperatorsNeed() {
        Set<String> read = DashboardQueries.metricNames(DASHBOARD);
        assertThat(read)
                .contains(
                        "featurex_images_total",
                        "featurex_consumer_lag_records",
                        "featurex_consumer_lag_sum_records",
                        "featurex_batch_size_images_sum",
                        "featurex_batch_size_images_count",
                        "featurex_batches_total",
                        "featurex_stage_duration_seconds_bucket",
                        "featurex_end_to_end_latency_seconds_bucket",
                        "featurex_dead_letters_total",
                        "featurex_images_in_flight",
                        "featurex_paused_partitions",
                        "featurex_assigned_partitions",
                        "featurex_model_info",
                        "jvm_memory_used_bytes");
        Map<String, String> exprs = DashboardQueries.expressions(DASHBOARD);
        assertThat(exprs.values())
                .anyMatch(e ->
                        e.contains("histogram_quantile(0.5,") && e.contains("featurex_stage_duration_seconds_bucket"));
        assertThat(exprs.values())
                .anyMatch(e ->
                        e.contains("histogram_quantile(0.99,") && e.contains("featurex_stage_duration_seconds_bucket"));
        assertThat(exprs.values())
                .filteredOn(e -> e.contains("histogram_quantile"))
                .allSatisfy(e -> assertThat(e).contains("le"));
    }

    @Test
    void theDashboardIsImportableAnywhere() {
        JsonNode d = JsonMapper.builder().build().readTree(DASHBOARD);
        assertThat(d.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(d.path("uid").asString()).isNotBlank();
        // The data source is a variable: no instance-specific uid is baked in.
        JsonNode variables = d.path("templating").path("list");
        assertThat(variables).anySatisfy(v -> {
            assertThat(v.path("type").asString()).isEqualTo("datasource");
            assertThat(v.path("query").asString()).isEqualTo("prometheus");
        });
        Set<Integer> ids = new HashSet<>();
        forEachPanel(d.path("panels"), panel -> {
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("unique panel id " + panel.path("id"))
                    .isTrue();
            if (!panel.path("type").asString().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asString())
                        .as(panel.path("title").asString())
                        .isEqualTo("${datasource}");
                assertThat(panel.path("targets"))
                        .as(panel.path("title").asString())
                        .allSatisfy(
                                t -> assertThat(t.path("datasource").path("uid").asString())
                                        .isEqualTo("${datasource}"));
                JsonNode pos = panel.path("gridPos");
                assertThat(pos.path("x").asInt() + pos.path("w").asInt())
                        .as(panel.path("title").asString())
                        .isLessThanOrEqualTo(24);
            }
        });
        assertThat(ids).hasSizeGreaterThan(8);
    }

    private static void forEachPanel(JsonNode panels, Consumer<JsonNode> action) {
        for (JsonNode panel : panels) {
            action.accept(panel);
            forEachPanel(panel.path("panels"), action);
        }
    }
}
