package io.featurex.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's one table, rendered as a Markdown pipe table whose columns are also padded,
 * so that it reads the same in a terminal and in BENCHMARKS.md.
 */
public final class BenchTable {

    public enum Align {
        LEFT,
        RIGHT
    }

    public record Column(String title, Align align) {
        public static Column left(String title) {
            return new Column(title, Align.LEFT);
        }

        public static Column right(String title) {
            return new Column(title, Align.RIGHT);
        }
    }

    private final List<Column> columns;
    private final List<List<String>> rows = new ArrayList<>();

    public BenchTable(Column... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs columns");
        }
        this.columns = List.of(columns);
    }

    /** Adds a row; missing trailing cells and nulls are empty, extra cells are an error. */
    public BenchTable add(String... cells) {
        if (cells.length > columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns");
        }
        List<String> row = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            String cell = i < cells.length && cells[i] != null ? cells[i] : "";
            row.add(cell.replace("|", "\\|").replace('\n', ' '));
        }
        rows.add(row);
        return this;
    }

    public String render() {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(3, columns.get(i).title().length());
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        List<String> titles = columns.stream().map(Column::title).toList();
        line(out, titles, widths);
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            boolean right = columns.get(i).align() == Align.RIGHT;
            out.append(' ')
                    .append("-".repeat(widths[i] - (right ? 1 : 0)))
                    .append(right ? ":" : "")
                    .append(" |");
        }
        out.append('\n');
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            String pad = " ".repeat(widths[i] - cell.length());
            out.append(' ');
            if (columns.get(i).align() == Align.RIGHT) {
                out.append(pad).append(cell);
            } else {
                out.append(cell).append(pad);
            }
            out.append(" |");
        }
        out.append('\n');
    }
}
