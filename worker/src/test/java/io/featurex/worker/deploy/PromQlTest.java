package io.featurex.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name extraction the dashboard and rule checks rest on. */
class PromQlTest {

    @Test
    void namesAreWhatRemainsOfAnExpression() {
        assertThat(PromQl.metricNames("featurex_images_total")).containsExactly("featurex_images_total");
        assertThat(
                        PromQl.metricNames(
                                "histogram_quantile(0.99, sum by (le, stage) (rate(featurex_stage_duration_seconds_bucket{namespace=~\"$namespace\"}[$__rate_interval])))"))
                .containsExactly("featurex_stage_duration_seconds_bucket");
        assertThat(
                        PromQl.metricNames(
                                "sum(rate(a_total{outcome=\"dead_letter\"}[10m])) / sum(rate(a_total[10m])) > 0.05 and on (namespace) sum by (namespace) (increase(b_total[10m])) >= 2e1"))
                .containsExactly("a_total", "b_total");
        assertThat(
                        PromQl.metricNames(
                                "featurex:consumer_lag_records:sum > 1000 and deriv(featurex:consumer_lag_records:sum[10m]) > 0"))
                .containsExactly("featurex:consumer_lag_records:sum");
    }

    @Test
    void labelsStringsAndModifiersAreNotNames() {
        assertThat(PromQl.metricNames("sum(x) without (pod, instance)")).containsExactly("x");
        assertThat(PromQl.metricNames("a * on (namespace) group_left (weights_digest) b"))
                .containsExactly("a", "b");
        assertThat(PromQl.metricNames("label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")"))
                .containsExactly("up");
        assertThat(PromQl.metricNames("count_values(\"version\", build_info)")).containsExactly("build_info");
        assertThat(PromQl.metricNames("rate(x{a=\"}{[\"}[5m] offset 1h) > bool 0"))
                .containsExactly("x");
        assertThat(PromQl.metricNames("max_over_time(rate(x[1m])[30m:1m]) @ end()"))
                .containsExactly("x");
        assertThat(PromQl.metricNames("topk(5, y) or vector(0) unless absent(z)  # a comment about w"))
                .containsExactly("y", "z");
        assertThat(PromQl.metricNames("jvm_memory_used_bytes{area=\"heap\"} / 0x10 + 1.5e-3 - Inf"))
                .containsExactly("jvm_memory_used_bytes");
    }

    @Test
    void callsAreReportedForChecking() {
        assertThat(PromQl.functionCalls("sum by (le) (rate(x[5m])) / histogram_quantil(0.5, y)"))
                .containsExactlyInAnyOrder("sum", "rate", "histogram_quantil");
        assertThat(PromQl.FUNCTIONS).doesNotContain("histogram_quantil");
    }

    @Test
    void grafanaVariableQueriesGiveTheirSelector() {
        assertThat(DashboardQueries.variableExpression("label_values(featurex_assigned_partitions, namespace)"))
                .isEqualTo("featurex_assigned_partitions");
        assertThat(DashboardQueries.variableExpression("query_result(sum by (pod) (up))"))
                .isEqualTo("sum by (pod) (up)");
        assertThat(DashboardQueries.variableExpression("label_names()")).isNull();
    }
}
