package io.featurex.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model-only measurements by row (what ran) and batch size, one per round: the table shows the
 * best round (noise from a shared host only ever slows a cell down) and the range.
 */
final class Cells {

    private final Map<String, Map<Integer, List<Measurement>>> rows = new LinkedHashMap<>();

    void add(String row, int batch, Measurement m) {
        if (m != null && m.present()) {
            rows.computeIfAbsent(row, r -> new LinkedHashMap<>())
                    .computeIfAbsent(batch, b -> new ArrayList<>())
                    .add(m);
        }
    }

    /** The fastest round, or {@link Measurement#NONE}. */
    Measurement best(String row, int batch) {
        Measurement best = Measurement.NONE;
        for (Measurement m : rows.getOrDefault(row, Map.of()).getOrDefault(batch, List.of())) {
            best = Measurement.best(best, m);
        }
        return best;
    }

    /** Slowest and fastest rounds' images/s; NaNs when not measured. */
    double[] range(String row, int batch) {
        double min = Double.NaN;
        double max = Double.NaN;
        for (Measurement m : rows.getOrDefault(row, Map.of()).getOrDefault(batch, List.of())) {
            double r = m.imagesPerSecond();
            min = Double.isNaN(min) ? r : Math.min(min, r);
            max = Double.isNaN(max) ? r : Math.max(max, r);
        }
        return new double[] {min, max};
    }

    int rounds(String row, int batch) {
        return rows.getOrDefault(row, Map.of()).getOrDefault(batch, List.of()).size();
    }

    /** Every measurement, all rows and rounds. */
    List<Measurement> all() {
        List<Measurement> out = new ArrayList<>();
        rows.values().forEach(byBatch -> byBatch.values().forEach(out::addAll));
        return out;
    }

    Set<String> rowNames() {
        return rows.keySet();
    }
}
