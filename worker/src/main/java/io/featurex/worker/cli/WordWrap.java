package io.featurex.worker.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a help text's lines break: at spaces only. Java's line break rules (which picocli uses)
 * also break after dots, dashes and colons, splitting {@code pipeline.max-in-flight}, {@code
 * .params} or {@code file:///x.jpg} over two lines, where nobody can copy them any more.
 */
final class WordWrap {

    private WordWrap() {}

    /**
     * The offsets in {@code line} (no line separators in it) after which a new line starts: the
     * first line at most {@code first} characters, later ones at most {@code next}. A word longer
     * than a whole line stays whole and overflows.
     */
    static List<Integer> breaks(String line, int first, int next) {
        List<Integer> breaks = new ArrayList<>();
        int start = 0;
        int width = first;
        while (line.length() - start > width) {
            int cut = line.lastIndexOf(' ', start + width);
            if (cut <= start) {
                cut = line.indexOf(' ', start + width);
                if (cut < 0) {
                    break;
                }
            }
            breaks.add(cut);
            start = cut + 1;
            width = next;
        }
        return breaks;
    }
}
