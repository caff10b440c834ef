package io.featurex.similar;

import io.featurex.v1.ModelIdentity;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The few JSON shapes the HTTP API answers with, written by hand (no mapper needed for these). */
final class Json {

    private Json() {}

    static String string(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.7g", x).replaceFirst("\\.?0+(?=e|$)", "") : "null";
    }

    static String model(ModelIdentity m) {
        if (m == null) {
            return "null";
        }
        return "{\"architecture\":" + string(m.getArchitecture())
                + ",\"weights_source\":" + string(m.getWeightsSource().name())
                + ",\"weights_digest\":" + string(m.getWeightsDigest())
                + ",\"preprocessing\":" + string(m.getPreprocessing().name())
                + ",\"precision\":" + string(m.getPrecision().name())
                + ",\"input_size\":" + m.getInputSize() + "}";
    }

    static String neighbours(String query, Metric metric, int k, List<Neighbour> results, SimilarityIndex.Stats stats) {
        StringBuilder out = new StringBuilder();
        out.append("{\"query\":").append(query)
                .append(",\"metric\":").append(string(metric.key()))
                .append(",\"score\":").append(string(metric.scoreName()))
                .append(",\"k\":").append(k)
                .append(",\"vectors\":").append(stats.vectors())
                .append(",\"model\":").append(model(stats.model().orElse(null)))
                .append(",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            Neighbour n = results.get(i);
            out.append(i == 0 ? "" : ",")
                    .append("{\"rank\":").append(i + 1)
                    .append(",\"id\":").append(string(n.id()))
                    .append(",\"source_uri\":").append(string(n.sourceUri()))
                    .append(",\"score\":").append(number(n.score()))
                    .append('}');
        }
        return out.append("]}").toString();
    }

    static String stats(SimilarityIndex.Stats stats, IndexFollower follower) {
        StringBuilder refused = new StringBuilder("[");
        int i = 0;
        for (Map.Entry<ModelIdentity, Long> e : stats.refusedByModel().entrySet()) {
            refused.append(i++ == 0 ? "" : ",").append("{\"model\":").append(model(e.getKey())).append(",\"vectors\":").append(e.getValue()).append('}');
        }
        refused.append(']');
        return "{\"topic\":" + string(follower.topic())
                + ",\"caught_up\":" + follower.caughtUp()
                + ",\"records_read\":" + follower.records()
                + ",\"vectors\":" + stats.vectors()
                + ",\"dimension\":" + stats.dimension()
                + ",\"model\":" + model(stats.model().orElse(null))
                + ",\"replaced\":" + stats.replaced()
                + ",\"removed\":" + stats.removed()
                + ",\"refused_other_model\":" + stats.refused()
                + ",\"refused_by_model\":" + refused
                + ",\"malformed\":" + stats.malformed()
                + ",\"unparseable\":" + follower.unparseable()
                + ",\"vector_bytes\":" + stats.vectorBytes()
                + ",\"failure\":" + (follower.failure() == null ? "null" : string(follower.failure().toString()))
                + "}";
    }

    static String error(String message) {
        return "{\"error\":" + string(message) + "}";
    }
}
