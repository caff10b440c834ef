package io.featurex.worker.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PromQL of a Grafana dashboard: every panel target's {@code expr} (rows' nested panels
 * included) and the series behind its query variables ({@code label_values(...)},
 * {@code query_result(...)}). Used by {@link DashboardTest} against the metric catalogue, and
 * reusable against a live {@code /metrics} scrape.
 */
public final class DashboardQueries {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LABEL_VALUES =
            Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$", Pattern.DOTALL);
    private static final Pattern QUERY_RESULT = Pattern.compile("^\\s*query_result\\((.*)\\)\\s*$", Pattern.DOTALL);

    private DashboardQueries() {}

    /** The metric names the dashboard's queries read. */
    public static Set<String> metricNames(Path dashboardJson) {
        Set<String> names = new TreeSet<>();
        expressions(dashboardJson).values().forEach(expr -> names.addAll(PromQl.metricNames(expr)));
        return names;
    }

    /** Each PromQL expression, keyed by where it is (panel title and refId, or variable name). */
    public static Map<String, String> expressions(Path dashboardJson) {
        JsonNode dashboard = JSON.readTree(dashboardJson);
        Map<String, String> exprs = new LinkedHashMap<>();
        collectPanels(dashboard.path("panels"), exprs);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!"query".equals(variable.path("type").asString(""))) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asString("") : query.asString("");
            String expr = variableExpression(text);
            if (expr != null) {
                exprs.put("variable " + variable.path("name").asString(), expr);
            }
        }
        return exprs;
    }

    private static void collectPanels(JsonNode panels, Map<String, String> exprs) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString("");
                if (!expr.isBlank()) {
                    String where = "panel '" + panel.path("title").asString() + "' "
                            + target.path("refId").asString("?");
                    exprs.put(where, expr);
                }
            }
            collectPanels(panel.path("panels"), exprs);
        }
    }

    /** The PromQL inside a query variable, or null for one with no series (e.g. label_names()). */
    static String variableExpression(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (m.matches()) {
            return m.group(1);
        }
        m = QUERY_RESULT.matcher(query);
        if (m.matches()) {
            return m.group(1);
        }
        return null;
    }
}
