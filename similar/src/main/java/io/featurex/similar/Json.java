package io.featurex.similar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.featurex.v1.ModelIdentity;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The few JSON shapes the HTTP API answers with, as Jackson trees (their keys in the order written). */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private Json() {}

    /** The query half of a /similar answer when the query was an indexed id. */
    static ObjectNode idQuery(String id) {
        return NODES.objectNode().put("id", id);
    }

    /** The query half of a /similar answer when the query was an image's bytes. */
    static ObjectNode imageQuery(int bytes) {
        return NODES.objectNode().put("image_bytes", bytes);
    }

    /**
     * Seven significant digits, exponent as C's %g writes it: what a float score honestly holds,
     * and the form clients have read from the start (Jackson's own would print a float's noise).
     */
    static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.7g", x).replaceFirst("\\.?0+(?=e|$)", "") : "null";
    }

    static ObjectNode model(ModelIdentity m) {
        if (m == null) {
            return null;
        }
        ObjectNode node = NODES.objectNode()
                .put("architecture", m.getArchitecture())
                .put("weights_source", m.getWeightsSource().name())
                .put("weights_digest", m.getWeightsDigest())
                .put("preprocessing", m.getPreprocessing().name())
                .put("precision", m.getPrecision().name())
                .put("input_size", m.getInputSize());
        if (!m.getCalibrationDigest().isEmpty()) {
            node.put("calibration_digest", m.getCalibrationDigest());
        }
        return node;
    }

    static String neighbours(
            ObjectNode query, Metric metric, int k, List<Neighbour> results, SimilarityIndex.Stats stats) {
        ObjectNode out = NODES.objectNode();
        out.set("query", query);
        out.put("metric", metric.key())
                .put("score", metric.scoreName())
                .put("k", k)
                .put("vectors", stats.vectors());
        out.set("model", model(stats.model().orElse(null)));
        var list = out.putArray("results");
        for (int i = 0; i < results.size(); i++) {
            Neighbour n = results.get(i);
            list.addObject()
                    .put("rank", i + 1)
                    .put("id", n.id())
                    .put("source_uri", n.sourceUri())
                    .putRawValue("score", new RawValue(number(n.score())));
        }
        return write(out);
    }

    static String stats(SimilarityIndex.Stats stats, IndexFollower follower) {
        ObjectNode out = NODES.objectNode()
                .put("topic", follower.topic())
                .put("caught_up", follower.caughtUp())
                .put("records_read", follower.records())
                .put("vectors", stats.vectors())
                .put("dimension", stats.dimension());
        out.set("model", model(stats.model().orElse(null)));
        out.put("replaced", stats.replaced())
                .put("removed", stats.removed())
                .put("refused_other_model", stats.refused());
        var refused = out.putArray("refused_by_model");
        for (Map.Entry<ModelIdentity, Long> e : stats.refusedByModel().entrySet()) {
            ObjectNode entry = refused.addObject();
            entry.set("model", model(e.getKey()));
            entry.put("vectors", e.getValue());
        }
        out.put("malformed", stats.malformed())
                .put("unparseable", follower.unparseable())
                .put("vector_bytes", stats.vectorBytes())
                .put("vector_bytes_per_vector", stats.memory().perVector())
                .put("vector_block_bytes", stats.memory().blockBytes())
                .put("vector_block_rows", stats.memory().blockRows())
                .put(
                        "failure",
                        follower.failure() == null ? null : follower.failure().toString());
        out.set("index", index(stats.index(), stats.fileBytes(), stats.segments(), follower.resumedFrom()));
        return write(out);
    }

    /** Which index answers, and the settings that decide its speed, recall and size. */
    static ObjectNode index(IndexSettings s, long fileBytes, int segments, Map<Integer, Long> resumedFrom) {
        ObjectNode out = NODES.objectNode()
                .put("kind", s.kind().key())
                .put("metric", s.metric().key());
        if (s.kind() == IndexSettings.Kind.HNSW) {
            out.put("m", s.m())
                    .put("beam_width", s.beamWidth())
                    .put("num_candidates", s.numCandidates())
                    .put("quantization", s.quantization().key())
                    .put("dir", s.dir().map(Object::toString).orElse(null))
                    .put("file_bytes", fileBytes)
                    .put("segments", segments)
                    .put("merge_threads", s.mergeThreads());
            ObjectNode resumed = out.putObject("resumed_from");
            resumedFrom.forEach((p, o) -> resumed.put(Integer.toString(p), o));
        }
        return out;
    }

    static String status(String status) {
        return write(NODES.objectNode().put("status", status));
    }

    static String error(String message) {
        return write(NODES.objectNode().put("error", message));
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always writes
        }
    }
}
