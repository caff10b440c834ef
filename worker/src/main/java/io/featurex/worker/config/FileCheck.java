package io.featurex.worker.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Why a file or folder the configuration names cannot be used, in words: found at start-up with
 * the other problems, not as a stack trace once the broker has been reached.
 */
final class FileCheck {

    private FileCheck() {}

    /** Empty when {@code file} is a regular file this process may read. */
    static Optional<String> readableFile(Path file) {
        if (!Files.exists(file)) {
            return Optional.of("no such file");
        }
        if (Files.isDirectory(file)) {
            return Optional.of("is a folder, not a file");
        }
        if (!Files.isReadable(file)) {
            return Optional.of("not readable (permission denied)");
        }
        return Optional.empty();
    }

    /** Empty when {@code folder} is a folder this process may list. */
    static Optional<String> readableFolder(Path folder) {
        if (!Files.exists(folder)) {
            return Optional.of("no such folder");
        }
        if (!Files.isDirectory(folder)) {
            return Optional.of("is a file, not a folder");
        }
        if (!Files.isReadable(folder) || !Files.isExecutable(folder)) {
            return Optional.of("not readable (permission denied)");
        }
        return Optional.empty();
    }

    /** The reason an I/O error gives, without the path the message is often made of alone. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "a folder on the way is a file";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
