package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** file: URIs, confined to the configured roots (symbolic links resolved before the check). */
final class FileFetcher {

    private final FetchLimits limits;
    private final List<Path> roots;

    FileFetcher(FetchLimits limits) {
        this.limits = limits;
        List<Path> resolved = new ArrayList<>();
        for (Path root : limits.fileRoots()) {
            try {
                resolved.add(root.toRealPath());
            } catch (IOException e) {
                resolved.add(root.toAbsolutePath().normalize());
            }
        }
        this.roots = List.copyOf(resolved);
    }

    byte[] fetch(URI uri) throws BadInputException {
        if (roots.isEmpty()) {
            throw new BadInputException(
                    ErrorCode.PATH_NOT_ALLOWED, "file: URIs are disabled (no fetch.file-roots configured): " + uri);
        }
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException e) {
            // file://host/... (a remote file), a query, a fragment or an opaque file:name.
            throw new BadInputException(ErrorCode.INVALID_URI, "not a local file URI (" + e.getMessage() + "): " + uri);
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            requireInsideRoots(path.toAbsolutePath().normalize(), uri);
            throw new BadInputException(ErrorCode.FILE_NOT_FOUND, "no such file: " + path);
        } catch (IOException e) {
            throw new BadInputException(ErrorCode.FILE_NOT_FOUND, "cannot open " + path + ": " + e.getMessage());
        }
        requireInsideRoots(real, uri);
        try {
            if (!Files.isRegularFile(real)) {
                throw new BadInputException(ErrorCode.FILE_NOT_FOUND, "not a regular file: " + path);
            }
            long size = Files.size(real);
            if (size > limits.maxBytes()) {
                throw new BadInputException(
                        ErrorCode.TOO_LARGE, path + " is " + size + " bytes, limit " + limits.maxBytes());
            }
            return Files.readAllBytes(real);
        } catch (IOException e) {
            throw new BadInputException(ErrorCode.FILE_NOT_FOUND, "cannot read " + path + ": " + e.getMessage());
        }
    }

    private void requireInsideRoots(Path path, URI uri) throws BadInputException {
        for (Path root : roots) {
            if (path.startsWith(root)) {
                return;
            }
        }
        throw new BadInputException(ErrorCode.PATH_NOT_ALLOWED, uri + " is outside the allowed roots " + roots);
    }
}
