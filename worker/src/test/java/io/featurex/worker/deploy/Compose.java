package io.featurex.worker.deploy;

import io.featurex.worker.testing.ContainerImages;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Docker Compose, where installed (Debian's docker-compose 1.29, or the v2 {@code docker compose}
 * plugin): its {@code config} resolves a compose file as {@code up} would (anchors, merges,
 * variables with their defaults) without an engine, so tests read what Compose will run rather
 * than the file's text.
 */
final class Compose {

    static final String MISSING =
            "docker compose not found: install Debian's docker-compose (apt-get install docker-compose)";

    /** Found once: asking each candidate for its version takes a second or so. */
    private static Optional<List<String>> found;

    private Compose() {}

    /** The command that runs Compose here, if any. */
    static synchronized Optional<List<String>> command() {
        if (found == null) {
            found = find();
        }
        return found;
    }

    private static Optional<List<String>> find() {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            Optional<Path> binary = onPath(candidate.get(0));
            if (binary.isPresent()) {
                List<String> command = new ArrayList<>(candidate);
                command.set(0, binary.get().toString());
                List<String> version = new ArrayList<>(command);
                version.add("version");
                if (run(version, Map.of()).exitCode() == 0) {
                    return Optional.of(command);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * {@code file} as Compose resolves it with {@code environment} and no FEATUREX_ variable of
     * this process: the file's own defaults, unless {@code environment} overrides them.
     */
    static JsonNode resolved(Path file, Map<String, String> environment) {
        List<String> command = new ArrayList<>(command().orElseThrow(() -> new IllegalStateException(MISSING)));
        command.addAll(List.of("-f", file.toString(), "config"));
        Result result = run(command, environment);
        if (result.exitCode() != 0) {
            throw new AssertionError("compose config " + file + " failed:\n" + result.output());
        }
        return KubernetesYaml.MAPPER.readTree(result.output());
    }

    /** Skips the calling test, saying why, unless Compose is here; where containers are required, fails. */
    static void assumeInstalled() {
        if (command().isEmpty()) {
            if (ContainerImages.required()) {
                throw new IllegalStateException(ContainerImages.ENV + "=required, but " + MISSING);
            }
            System.out.println("SKIPPED (compose): " + MISSING);
            org.junit.jupiter.api.Assumptions.abort(MISSING);
        }
    }

    private record Result(int exitCode, String output) {}

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Result run(List<String> command, Map<String, String> environment) {
        try {
            // stdout and stderr apart: config's YAML is on stdout, its warnings on stderr.
            Path output = Files.createTempFile("compose-", ".out");
            Path errors = Files.createTempFile("compose-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectOutput(output.toFile())
                        .redirectError(errors.toFile());
                builder.environment().keySet().removeIf(name -> name.startsWith("FEATUREX_"));
                builder.environment().putAll(environment);
                Process process = builder.start();
                process.getOutputStream().close();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Result(-1, String.join(" ", command) + " did not finish in 60 s");
                }
                String stdout = Files.readString(output, StandardCharsets.UTF_8);
                return new Result(
                        process.exitValue(),
                        process.exitValue() == 0 ? stdout : stdout + Files.readString(errors, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
