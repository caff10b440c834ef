package io.featurex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-to-end image sets asked for (--sets), each with the line that describes it in the notes. */
record ImageSets(List<ImageSet> sets, Map<String, String> descriptions) {

    /**
     * @param images the --images folder the samples came from; null: the demo's built-in samples
     * @throws IllegalArgumentException for a set that is neither samples nor mixed
     */
    static ImageSets of(
            List<String> names,
            List<Path> samples,
            Path images,
            int refs,
            Workspace workspace,
            int largePhotos,
            String largeSize)
            throws IOException {
        Map<String, String> descriptions = new LinkedHashMap<>();
        List<ImageSet> sets = new ArrayList<>();
        for (String set : names) {
            switch (set) {
                case "samples" -> {
                    sets.add(new ImageSet("samples", samples));
                    descriptions.put(
                            "samples",
                            samples.size() + " images "
                                    + (images == null ? "(the demo's built-in samples, 240-512 px)" : "from " + images)
                                    + ", cycled to " + refs + " refs");
                }
                case "mixed" -> {
                    List<Path> large = workspace.largePhotos(samples, largePhotos, largeSize);
                    List<Path> mixed = new ArrayList<>(samples);
                    mixed.addAll(large);
                    sets.add(new ImageSet("mixed", mixed));
                    long bytes = 0;
                    for (Path p : large) {
                        bytes += Files.size(p);
                    }
                    descriptions.put(
                            "mixed",
                            String.format(
                                    Locale.ROOT,
                                    "the %d samples + %d large photos %s JPEG (%.1f MB each on "
                                            + "average, made by bench/tools/make_large_photos.py), cycled to %d refs",
                                    samples.size(),
                                    large.size(),
                                    largeSize,
                                    bytes / 1e6 / Math.max(1, large.size()),
                                    refs));
                }
                default -> throw new IllegalArgumentException("unknown image set " + set + " (samples, mixed)");
            }
        }
        return new ImageSets(sets, descriptions);
    }
}
