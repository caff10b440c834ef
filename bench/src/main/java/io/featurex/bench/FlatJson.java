package io.featurex.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the one-line JSON objects the Python peers print: one flat object of strings, numbers,
 * booleans and nulls (nested values are refused). Numbers come back as Double.
 */
public final class FlatJson {

    private final String text;
    private int pos;

    private FlatJson(String text) {
        this.text = text;
    }

    public static Map<String, Object> parse(String text) {
        FlatJson p = new FlatJson(text.strip());
        Map<String, Object> out = new LinkedHashMap<>();
        p.expect('{');
        p.skipSpace();
        if (p.peek() == '}') {
            p.pos++;
            return out;
        }
        while (true) {
            p.skipSpace();
            String key = p.string();
            p.skipSpace();
            p.expect(':');
            p.skipSpace();
            out.put(key, p.value());
            p.skipSpace();
            char c = p.next();
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw p.error("expected , or }");
            }
        }
        p.skipSpace();
        if (p.pos != p.text.length()) {
            throw p.error("trailing characters");
        }
        return out;
    }

    /** A number from a parsed object, NaN when absent or not a number. */
    public static double number(Map<String, Object> json, String key) {
        return json.get(key) instanceof Double d ? d : Double.NaN;
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (text.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", pos)) {
            pos += 4;
            return null;
        }
        if (c == '-' || Character.isDigit(c)) {
            int start = pos;
            while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            try {
                return Double.parseDouble(text.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error("bad number");
            }
        }
        throw error("unsupported value (only flat objects)");
    }

    private String string() {
        expect('"');
        StringBuilder s = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return s.toString();
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'n' -> s.append('\n');
                case 't' -> s.append('\t');
                case 'r' -> s.append('\r');
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("bad \\u escape");
                    }
                    s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> s.append(e);
            }
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected " + c);
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at " + pos + " in " + text);
    }
}
