package io.featurex.worker.decode;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * A system library bound through JNA, or why it is not: a missing decoder library is a
 * deployment choice (the worker falls back to ImageIO), never a crash.
 *
 * @param library     null when it could not be loaded
 * @param description the file it was loaded from, or every name tried and why each failed
 */
record NativeLibraryLoad<T extends Library>(T library, String description) {

    boolean loaded() {
        return library != null;
    }

    /**
     * Tries each name in turn. The versioned soname comes first: runtime packages (Debian's
     * libturbojpeg0, libwebp7) ship only that, the unversioned link comes with the -dev package.
     */
    static <T extends Library> NativeLibraryLoad<T> load(Class<T> type, String... names) {
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            try {
                T library = Native.load(name, type);
                File file = NativeLibrary.getInstance(name).getFile();
                return new NativeLibraryLoad<>(library, file == null ? name : file.getPath());
            } catch (LinkageError e) {
                // JNA's first line only names the library; the loader's own reason follows it.
                String reason = String.valueOf(e.getMessage())
                        .lines()
                        .skip(1)
                        .findFirst()
                        .orElse(String.valueOf(e.getMessage()));
                failures.add(name + ": " + reason.strip());
            }
        }
        return new NativeLibraryLoad<>(null, String.join("; ", failures));
    }
}
