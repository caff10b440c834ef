package io.featurex.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Events written by whoever drives the system during a run (the scaling script): one line
 * each, {@code <epoch-millis> <label>}, e.g. {@code 1767225600123 worker w3 joins}. Blank lines
 * and lines starting with # are skipped.
 */
final class EventsFile {

    private EventsFile() {}

    record Event(long epochMs, String label) {}

    static List<Event> read(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        if (file == null || !Files.exists(file)) {
            return events;
        }
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            String time = space < 0 ? trimmed : trimmed.substring(0, space);
            String label = space < 0 ? "event" : trimmed.substring(space + 1).strip();
            try {
                events.add(new Event(Long.parseLong(time), label));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": not '<epoch-millis> <label>': " + line, e);
            }
        }
        return events;
    }
}
