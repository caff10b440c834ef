package io.featurex.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the stage packages layered as DESIGN.md draws them: records flow one way, and the
 * compute stages never see Kafka.
 */
class PackageLayeringTest {

    private static final String ROOT = "io.featurex.worker";
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);

    /** For each stage package, the worker packages it may import (the root package is shared vocabulary). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "source", Set.of("metrics"),
            "fetch", Set.of(),
            "decode", Set.of(),
            "batch", Set.of(),
            "infer", Set.of("batch", "decode"),
            "sink", Set.of("infer", "decode", "config"),
            "metrics", Set.of("infer", "http"),
            "config", Set.of("decode", "fetch", "infer", "source"),
            "kafka", Set.of("config"),
            "http", Set.of());

    private static final Set<String> KAFKA_FREE = Set.of("fetch", "decode", "batch", "infer", "http");

    @Test
    void stagesImportOnlyWhatFlowsIntoThem() throws IOException {
        List<String> violations = new ArrayList<>();
        Path sources = Path.of("src/main/java/io/featurex/worker");
        assertThat(sources).isDirectory();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = sources.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue;
                }
                String stage = relative.getName(0).toString();
                Set<String> allowed = ALLOWED.get(stage);
                if (allowed == null) {
                    continue; // pipeline, cli, demo, embedded: the assembly, free to use every stage
                }
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String imported = m.group(1);
                    if (KAFKA_FREE.contains(stage) && imported.startsWith("org.apache.kafka")) {
                        violations.add(relative + " imports Kafka (" + imported + ")");
                    }
                    if (imported.startsWith(ROOT + ".")) {
                        String target = imported.substring(ROOT.length() + 1).split("\\.")[0];
                        if (!target.equals(stage) && !allowed.contains(target) && Character.isLowerCase(target.charAt(0))) {
                            violations.add(relative + " imports " + imported);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
