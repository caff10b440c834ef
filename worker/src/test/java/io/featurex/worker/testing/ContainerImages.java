package io.featurex.worker.testing;

import static org.junit.jupiter.api.Assumptions.abort;

import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a container test can run here: a Docker engine, and its image in the engine's local
 * store. Nothing is pulled unless asked for: without a registry a pull would only fail late, and
 * a developer's machine may not want hundreds of MB fetched by a test run. Where a test cannot
 * run it is skipped and says why on the console; with {@code -Dfeaturex.test.containers=required}
 * or {@code CONTAINER_TESTS=required} in the environment (CI, after {@code deploy/images.sh}) a
 * missing engine or image fails it instead. With a registry, {@code docker pull} the official
 * image first.
 */
public final class ContainerImages {

    /** {@code required}: container tests must run; unset: they run where they can. */
    public static final String PROPERTY = "featurex.test.containers";
    /**
     * The same as an environment variable, which reaches the test JVMs without changing the
     * test command. Not FEATUREX_*: forked workers inherit the environment and refuse unknown
     * FEATUREX_ variables.
     */
    public static final String ENV = "CONTAINER_TESTS";

    private ContainerImages() {}

    /**
     * Aborts (skips) the calling test unless it can run with {@code image}, or must. Call it from
     * each test or {@code @BeforeEach}: an abort in {@code @BeforeAll} reports no test at all,
     * not a skipped one, and CI looks for skips.
     */
    public static void assumeRunnable(String image) {
        if (!runnable(image)) {
            String missing = missing(image);
            System.out.println("SKIPPED (containers): " + missing);
            abort(missing);
        }
    }

    /** Whether tests of {@code image} run here; throws where they must and cannot. */
    public static boolean runnable(String image) {
        String missing = missing(image);
        if (missing != null && required()) {
            throw new IllegalStateException(PROPERTY + "=required, but " + missing);
        }
        return missing == null;
    }

    /** Why {@code image} cannot be run here, or null if it can. */
    public static String missing(String image) {
        String engine = engineMissing();
        if (engine != null) {
            return engine;
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return null;
        } catch (NotFoundException e) {
            return "image " + image + " is not in the local image store (deploy/images.sh builds it)";
        }
    }

    public static boolean required() {
        String fromEnv = System.getenv(ENV);
        String value = System.getProperty(PROPERTY, fromEnv == null ? "" : fromEnv)
                .trim()
                .toLowerCase(Locale.ROOT);
        return switch (value) {
            case "" -> false;
            case "required" -> true;
            default ->
                throw new IllegalArgumentException(
                        PROPERTY + " (or " + ENV + ") must be 'required' or unset, not '" + value + "'");
        };
    }

    static boolean engineAvailable() {
        return engineMissing() == null;
    }

    /** Why no Docker engine can be used, or null if one can. */
    static String engineMissing() {
        if (addressProbeWouldPull()) {
            return "/.dockerenv exists and TESTCONTAINERS_HOST_OVERRIDE is not set: Testcontainers would"
                    + " pull and run alpine to find the engine's address (set it to the address the engine"
                    + " publishes ports on, localhost for an engine on this machine)";
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable()
                    ? null
                    : "no Docker engine answers (DOCKER_HOST or /var/run/docker.sock)";
        } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
            // Testcontainers fails this way when one of its own dependencies is missing from the
            // test classpath (commons-lang3, for one): no engine, as far as the tests can tell.
            return "cannot probe for Docker: " + e;
        }
    }

    /**
     * Testcontainers takes a /.dockerenv file to mean it runs inside a container; then, for an
     * engine on a Unix socket whose default bridge lists no gateway (Docker 20.10 lists none),
     * it finds the engine's address by running an alpine container, pulled first. Where no
     * registry answers that takes two minutes of retries and then fails every container test.
     */
    private static boolean addressProbeWouldPull() {
        String override = System.getenv("TESTCONTAINERS_HOST_OVERRIDE");
        String dockerHost = System.getenv("DOCKER_HOST");
        return Files.exists(Path.of("/.dockerenv"))
                && (override == null || override.isBlank())
                && (dockerHost == null || dockerHost.isBlank() || dockerHost.startsWith("unix:"));
    }
}
