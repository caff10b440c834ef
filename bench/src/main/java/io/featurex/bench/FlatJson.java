package io.featurex.bench;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the one-line JSON objects the Python peers print: one flat object of strings, numbers,
 * booleans and nulls (nested values are refused, so a peer that changed its shape is noticed).
 * Numbers come back as Double, whatever the peer wrote.
 */
public final class FlatJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private FlatJson() {}

    public static Map<String, Object> parse(String text) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(e.getOriginalMessage() + " in " + text, e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not one JSON object: " + text);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : tree.properties()) {
            out.put(field.getKey(), value(field.getValue(), text));
        }
        return out;
    }

    /** A number from a parsed object, NaN when absent or not a number. */
    public static double number(Map<String, Object> json, String key) {
        return json.get(key) instanceof Double d ? d : Double.NaN;
    }

    private static Object value(JsonNode node, String text) {
        if (node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        throw new IllegalArgumentException("unsupported value (only flat objects) in " + text);
    }
}
