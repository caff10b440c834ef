package io.featurex.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the sections' results into the one table (with the machine above it and the notes that
 * explain it below), comparing each figure with its goal from the throughput issue.
 */
final class BenchReport {

    record Context(
            Machine machine,
            String commandLine,
            List<Integer> batchSizes,
            double gflopPerImage,
            int matmulSize,
            int rounds,
            int retries,
            double maxOthers,
            double minSeconds,
            int batchMaxSize,
            int batchMaxDelayMs,
            int decodeThreads,
            int threads,
            int backlog,
            int backlogLatencyMs,
            Map<String, String> setDescriptions) {}

    private final Context ctx;
    private final BenchTable table = new BenchTable(
            BenchTable.Column.left("measurement"),
            BenchTable.Column.right("batch"),
            BenchTable.Column.right("images/s"),
            BenchTable.Column.right("GFLOP/s"),
            BenchTable.Column.right("peak RSS"),
            BenchTable.Column.left("compared with"),
            BenchTable.Column.right("ratio"),
            BenchTable.Column.left("target"),
            BenchTable.Column.left("verdict"),
            BenchTable.Column.left("detail"));
    private final List<String> notes = new ArrayList<>();

    BenchReport(Context ctx) {
        this.ctx = ctx;
    }

    String render(
            Optional<ModelOnlySection.Result> model,
            Optional<EndToEndSection.Result> e2e,
            Optional<FeedSection.Result> feed,
            List<String> tables,
            List<String> tableNotes) {
        model.ifPresent(new ModelOnlyRows(ctx, table, notes)::add);
        e2e.ifPresent(r -> new EndToEndRows(ctx, table, notes).add(r, model));
        StringBuilder out = new StringBuilder();
        out.append("featurex bench: ").append(ctx.machine().summary()).append('\n');
        out.append("command: ").append(ctx.commandLine()).append("\n\n");
        if (model.isPresent() || e2e.isPresent()) {
            out.append(table.render()).append('\n');
        }
        feed.ifPresent(f -> out.append(FeedReport.render(f, notes)).append('\n'));
        tables.forEach(t -> out.append(t).append('\n'));
        notes.addAll(tableNotes);
        for (String note : notes) {
            out.append("- ").append(note).append('\n');
        }
        return out.toString();
    }

    /** How much of the machine other processes took while {@code when} ran, for the notes. */
    static String loadNote(String when, double[] cores) {
        double max = Double.NaN;
        double sum = 0;
        int n = 0;
        for (double c : cores) {
            if (Double.isFinite(c)) {
                max = Double.isNaN(max) ? c : Math.max(max, c);
                sum += c;
                n++;
            }
        }
        if (n == 0) {
            return "CPU taken by other processes during " + when + ": unknown (no /proc).";
        }
        return String.format(
                Locale.ROOT,
                "CPU taken by other processes during %s ('others' in detail; /proc/stat busy time "
                        + "minus the bench's own processes): mean %s, max %s of %d cores, over every try. The machine is shared; a "
                        + "figure measured while others ran is low by about that share.",
                when,
                Format.cores(sum / n),
                Format.cores(max),
                Runtime.getRuntime().availableProcessors());
    }
}
