package io.featurex.worker.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

/** Reads raw values by setting, recording every problem instead of stopping at the first. */
final class SettingReader {
    static final String TOPIC_NAME = "[a-zA-Z0-9._-]{1,249}";
    private final Map<String, String> raw;
    private final List<String> problems = new ArrayList<>();

    SettingReader(Map<String, String> raw) {
        this.raw = raw;
    }

    void problem(Setting s, String message) {
        problems.add(s.problem(message));
    }

    void failIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    String raw(Setting s) {
        String v = raw.get(s.key());
        return v != null ? v.trim() : s.defaultValue();
    }

    /** Every raw value whose key starts with {@code prefix}, keyed without it. */
    Map<String, String> prefixed(String prefix) {
        Map<String, String> found = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                found.put(k.substring(prefix.length()), v);
            }
        });
        return found;
    }

    String text(Setting s) {
        String v = raw(s);
        if (v == null || v.isBlank()) {
            problem(s, "is required");
            return null;
        }
        return v;
    }

    String topic(Setting s) {
        String v = text(s);
        if (v != null && !v.matches(TOPIC_NAME)) {
            problem(s, "'" + v + "' is not a valid topic name (letters, digits, '.', '_', '-')");
        }
        return v;
    }

    long longValue(Setting s, long min, long max) {
        String v = raw(s);
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                problem(s, "must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            problem(s, "'" + v + "' is not a whole number");
            return 0;
        }
    }

    int integer(Setting s, int min, int max) {
        return (int) longValue(s, min, max);
    }

    /** A whole number, or "auto" (empty). */
    OptionalLong autoLong(Setting s, long min, long max) {
        if (raw(s).equals("auto")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(longValue(s, min, max));
    }

    /** A whole number, or "auto" (empty). */
    OptionalInt autoInteger(Setting s, int min, int max) {
        String v = raw(s);
        if (v.equals("auto")) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                problem(s, "must be auto or between " + min + " and " + max + ", got " + n);
            }
            return OptionalInt.of(Math.max(n, min));
        } catch (NumberFormatException e) {
            problem(s, "must be auto or a whole number, got '" + v + "'");
            return OptionalInt.empty();
        }
    }

    boolean bool(Setting s) {
        String v = raw(s).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            problem(s, "must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    List<String> list(Setting s) {
        return Arrays.stream(raw(s).split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .toList();
    }

    /** A choice where "auto" (empty) leaves the decision to what is loaded. */
    <E> Optional<E> auto(Setting s, E[] options, Function<E, String> key) {
        String v = raw(s);
        if (v.equals("auto")) {
            return Optional.empty();
        }
        for (E option : options) {
            if (key.apply(option).equals(v)) {
                return Optional.of(option);
            }
        }
        List<String> valid = new ArrayList<>(List.of("auto"));
        Arrays.stream(options).map(key).forEach(valid::add);
        problem(s, "must be one of " + valid + ", got '" + v + "'");
        return Optional.empty();
    }

    <E> E choice(Setting s, E[] options, Function<E, String> key) {
        String v = raw(s);
        for (E option : options) {
            if (key.apply(option).equals(v)) {
                return option;
            }
        }
        problem(s, "must be one of " + Arrays.stream(options).map(key).toList() + ", got '" + v + "'");
        return options[0];
    }
}
