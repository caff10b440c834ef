package io.featurex.bench;

import java.nio.file.Path;
import java.util.List;

/** A named list of image files, cycled through to make as many image refs as a run needs. */
record ImageSet(String name, List<Path> files) {

    ImageSet {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("image set " + name + " is empty");
        }
        files = List.copyOf(files);
    }

    Path file(int index) {
        return files.get(index % files.size());
    }
}
