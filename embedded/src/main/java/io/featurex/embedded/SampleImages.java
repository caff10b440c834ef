package io.featurex.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The demo's images: the built-in samples (public-domain and CC0 photos, see SOURCES.md beside
 * them) or a user's folder.
 */
public final class SampleImages {

    private static final String ROOT = "/io/featurex/embedded/samples/";
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".gif", ".bmp");

    private SampleImages() {}

    /** Copies the built-in samples into {@code dir} (a jar's resources cannot be listed or read as files). */
    public static List<Path> extractBuiltIn(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : builtInNames()) {
            try (InputStream in = SampleImages.class.getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IOException("sample " + name + " listed in index.txt is missing from the classpath");
                }
                Path file = dir.resolve(name);
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                files.add(file);
            }
        }
        return files;
    }

    /** The image files directly inside {@code dir}, by name. */
    public static List<Path> inFolder(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile)
                    .filter(p -> EXTENSIONS.stream()
                            .anyMatch(e -> p.getFileName()
                                    .toString()
                                    .toLowerCase(Locale.ROOT)
                                    .endsWith(e)))
                    .sorted()
                    .toList();
        }
    }

    static List<String> builtInNames() {
        try (InputStream in = SampleImages.class.getResourceAsStream(ROOT + "index.txt")) {
            if (in == null) {
                throw new IOException("index.txt of the built-in samples is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
