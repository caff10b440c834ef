package io.featurex.worker.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's deploy/ directory is, from the worker module (Surefire's working directory) or the root. */
final class DeployFiles {

    private DeployFiles() {}

    static Path root() {
        for (Path candidate : new Path[] {Path.of("../deploy"), Path.of("deploy")}) {
            if (Files.isDirectory(candidate.resolve("k8s"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException(
                "no deploy/ directory beside or above " + Path.of("").toAbsolutePath());
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The parent pom, for versions the deploy files must agree with. */
    static Path parentPom() {
        return root().getParent().resolve("pom.xml");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
