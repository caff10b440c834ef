package io.featurex.worker.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Merges the configuration layers into one map of raw values (file, then environment, then
 * flags, later layers winning), reporting unknown keys as probable typos.
 */
public final class ConfigSources {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * The layers every command reads, lowest first: the settings' defaults, {@code file} (null
     * for none), the environment, then the flags given on the command line.
     */
    public static ConfigSources layered(Path file, Map<String, String> env, Map<String, String> flags) {
        ConfigSources sources = new ConfigSources();
        if (file != null) {
            sources.file(file);
        }
        return sources.environment(env).flags(flags);
    }

    /**
     * Command-line values by key, for {@link #flags(Map)}: the settings whose flag was given
     * ({@code given} answers null for one that was not) and the {@code --kafka} pairs.
     */
    public static Map<String, String> givenFlags(
            Collection<Setting> settings, Function<Setting, String> given, Map<String, String> kafka) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (Setting s : settings) {
            String value = given.apply(s);
            if (value != null) {
                flags.put(s.key(), value);
            }
        }
        kafka.forEach((k, v) -> flags.put(Setting.KAFKA_PREFIX + k, v));
        return flags;
    }

    public ConfigSources file(Path file) {
        Properties properties = new Properties();
        Optional<String> unusable = FileCheck.readableFile(file);
        if (unusable.isPresent()) {
            problems.add("cannot read config file " + file + ": " + unusable.get());
            return this;
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: Properties refuses a malformed unicode escape.
            String reason = e instanceof IOException io ? FileCheck.reason(io) : e.getMessage();
            problems.add("cannot read config file " + file + ": " + reason);
            return this;
        }
        for (String key : properties.stringPropertyNames()) {
            put(key, properties.getProperty(key).trim(), "in " + file);
        }
        return this;
    }

    public ConfigSources environment(Map<String, String> env) {
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(Setting.ENV_PREFIX)) {
                continue;
            }
            Setting setting = null;
            for (Setting s : Setting.values()) {
                if (s.envName().equals(name)) {
                    setting = s;
                }
            }
            if (setting != null) {
                values.put(setting.key(), e.getValue().trim());
            } else if (name.startsWith(Setting.ENV_PREFIX + "KAFKA_")) {
                String kafkaKey = name.substring((Setting.ENV_PREFIX + "KAFKA_").length())
                        .toLowerCase()
                        .replace('_', '.');
                values.put(Setting.KAFKA_PREFIX + kafkaKey, e.getValue().trim());
            } else {
                problems.add("unknown environment variable " + name + suggestion(name));
            }
        }
        return this;
    }

    /** Values given on the command line, by key. */
    public ConfigSources flags(Map<String, String> flags) {
        flags.forEach((k, v) -> put(k, v, "on the command line"));
        return this;
    }

    public Map<String, String> values() {
        return Map.copyOf(values);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * The merged values as a worker configuration. A typo'd key is reported with the problems of
     * the values, in one {@link ConfigException}, so that one attempt shows everything to fix.
     */
    public WorkerConfig workerConfig() {
        List<String> all = new ArrayList<>(problems);
        try {
            WorkerConfig config = WorkerConfig.from(values());
            if (all.isEmpty()) {
                return config;
            }
        } catch (ConfigException e) {
            all.addAll(e.problems());
        }
        throw new ConfigException(all);
    }

    private void put(String key, String value, String where) {
        if (Setting.byKey(key) == null && !key.startsWith(Setting.KAFKA_PREFIX)) {
            problems.add("unknown key '" + key + "' " + where + suggestion(key));
            return;
        }
        values.put(key, value);
    }

    private static String suggestion(String wrong) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting s : Setting.values()) {
            for (String candidate : List.of(s.key(), s.envName())) {
                int d = distance(wrong, candidate);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = candidate;
                }
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
    }

    /** Levenshtein distance, for typo suggestions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
