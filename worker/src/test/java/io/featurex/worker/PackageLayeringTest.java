package io.featurex.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the house as DESIGN.md draws it: inside the worker, records flow one way through the stage
 * packages and the compute stages never see Kafka; between modules, nothing depends on a module
 * downstream of it (the production worker on none of similar, bench, the developer kit or the
 * embedded broker). References are read from imports and from fully qualified names in the code
 * alike, comments and strings left out.
 */
class PackageLayeringTest {

    private static final String WORKER = "io.featurex.worker";
    /** A reference to a class: lower-case package segments, then an upper-case simple name. */
    private static final Pattern REFERENCE = Pattern.compile("\\b((?:[a-z][a-z0-9_]*\\.)+)[A-Z]\\w*");

    /** For each worker package, the other worker packages it may use ("" is the root package, shared vocabulary). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("", Set.of()),
            Map.entry("source", Set.of("", "metrics", "config")),
            Map.entry("fetch", Set.of("")),
            Map.entry("decode", Set.of("")),
            Map.entry("batch", Set.of("")),
            Map.entry("infer", Set.of("", "batch", "decode")),
            Map.entry("sink", Set.of("", "infer", "decode", "config")),
            Map.entry("http", Set.of("")),
            Map.entry("metrics", Set.of("", "infer", "http")),
            Map.entry("config", Set.of("", "decode", "fetch", "infer", "source")),
            Map.entry("kafka", Set.of("", "config")),
            Map.entry("replay", Set.of("")),
            // The assembly: the loop joining the stages, and the commands.
            Map.entry(
                    "pipeline",
                    Set.of("", "source", "fetch", "decode", "batch", "infer", "sink", "metrics", "config", "kafka")),
            Map.entry(
                    "cli",
                    Set.of(
                            "",
                            "pipeline",
                            "source",
                            "fetch",
                            "decode",
                            "infer",
                            "sink",
                            "metrics",
                            "config",
                            "kafka",
                            "replay")));

    /** The compute stages: pixels and vectors only. */
    private static final Set<String> KAFKA_FREE = Set.of("fetch", "decode", "batch", "infer", "http");

    /** For each module, the featurex modules it may use: none downstream of it. */
    private static final Map<String, Set<String>> MODULES = Map.of(
            "topics", Set.of(),
            "embedded", Set.of(),
            "worker", Set.of("topics"),
            "similar", Set.of("topics", "worker"),
            // bench measures int8/bf16 recall with similar's exact search (issue #21)
            "bench", Set.of("topics", "worker", "embedded", "similar"),
            "devkit", Set.of("topics", "worker", "embedded", "similar", "bench"),
            "loadtest", Set.of("topics"));

    /** A module's root package, as references name it. */
    private static String packageOf(String module) {
        return module.equals("worker") ? WORKER : "io.featurex." + module;
    }

    @Test
    void workerPackagesUseOnlyWhatFlowsIntoThem() throws IOException {
        Path sources = Path.of("src/main/java/io/featurex/worker");
        assertThat(sources).isDirectory();
        List<String> violations = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (Path file : javaFiles(sources)) {
            Path relative = sources.relativize(file);
            String stage =
                    relative.getNameCount() < 2 ? "" : relative.getName(0).toString();
            Set<String> allowed = ALLOWED.get(stage);
            if (allowed == null) {
                unknown.add(stage);
                continue;
            }
            for (String used : references(file)) {
                if (KAFKA_FREE.contains(stage) && used.startsWith("org.apache.kafka.")) {
                    violations.add(relative + " uses Kafka (" + used + ")");
                }
                if (used.startsWith(WORKER + ".") || used.equals(WORKER)) {
                    String target = used.equals(WORKER)
                            ? ""
                            : used.substring(WORKER.length() + 1).split("\\.")[0];
                    if (!target.equals(stage) && !allowed.contains(target)) {
                        violations.add(relative + " uses " + used);
                    }
                }
            }
        }
        assertThat(unknown)
                .as("worker packages without a rule here: give each its place in the layers")
                .isEmpty();
        assertThat(violations).isEmpty();
    }

    @Test
    void noModuleDependsOnOneDownstreamOfIt() throws IOException {
        Path root = Path.of("..");
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> module : MODULES.entrySet()) {
            Path sources = root.resolve(module.getKey()).resolve("src/main/java");
            assertThat(sources).as(module.getKey()).isDirectory();
            for (Path file : javaFiles(sources)) {
                for (String used : references(file)) {
                    for (String other : MODULES.keySet()) {
                        boolean names = used.equals(packageOf(other)) || used.startsWith(packageOf(other) + ".");
                        if (names
                                && !other.equals(module.getKey())
                                && !module.getValue().contains(other)) {
                            violations.add(module.getKey() + ": " + root.relativize(file) + " uses " + used);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void fullyQualifiedNamesCountAndCommentsAndStringsDoNot(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(
                dir.resolve("Sample.java"),
                String.join(
                        "\n",
                        "package io.featurex.worker.decode;",
                        "import java.util.List;",
                        "/** See {@link io.featurex.worker.sink.Output}. */",
                        "class Sample {",
                        "    // org.apache.kafka.clients.consumer.KafkaConsumer in a comment",
                        "    String s = \"io.featurex.similar.SimilarCommand in a string\";",
                        "    Object c = new org.apache.kafka.common.TopicPartition(\"t\", 0);",
                        "    Object d = io.featurex.worker.infer.Vectors.class;",
                        "}"));
        assertThat(references(file))
                .containsExactlyInAnyOrder("java.util", "org.apache.kafka.common", "io.featurex.worker.infer");
    }

    /** The packages of the classes a file refers to, by import or by fully qualified name. */
    static Set<String> references(Path file) throws IOException {
        String code = withoutCommentsAndStrings(Files.readString(file));
        code = code.replaceFirst("(?m)^package [\\w.]+;", "");
        Set<String> packages = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            String dotted = m.group(1);
            packages.add(dotted.substring(0, dotted.length() - 1));
        }
        return packages;
    }

    /** The code with comments, string and character literals (text blocks included) blanked out. */
    static String withoutCommentsAndStrings(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
            } else if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? source.length() : end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? source.length() : end + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i++);
                while (i < source.length() && source.charAt(i) != quote) {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                code.append(source.charAt(i++));
                continue;
            }
            code.append(' ');
        }
        return code.toString();
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
