package io.featurex.worker.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * picocli's option table, wrapping long cells at spaces only ({@link WordWrap}): each piece is
 * put in a row of its own, short enough that picocli breaks nothing more.
 */
final class WordWrappedTable extends TextTable {

    WordWrappedTable(ColorScheme colorScheme, TextTable like) {
        super(colorScheme, like.columns());
        indentWrappedLines = like.indentWrappedLines;
    }

    @Override
    public Cell putValue(int row, int col, Text value) {
        Column column = columns()[col];
        if (value == null || column.overflow != Column.Overflow.WRAP) {
            return super.putValue(row, col, value);
        }
        // A piece exactly as wide as the column makes picocli start an empty row after it.
        int first = column.width - column.indent - 1;
        List<Text> pieces = pieces(value, first, first - indentWrappedLines);
        Cell cell = super.putValue(row, col, pieces.get(0));
        String indent = " ".repeat(indentWrappedLines);
        for (Text piece : pieces.subList(1, pieces.size())) {
            int next = cell.row + 1;
            while (rowCount() <= next) {
                addEmptyRow();
            }
            cell = super.putValue(
                    next, col, piece.substring(0, 0).concat(indent).concat(piece));
        }
        return cell;
    }

    /** {@code value} (one line) cut at the spaces where {@link WordWrap} breaks it, the spaces left out. */
    static List<Text> pieces(Text value, int first, int next) {
        List<Integer> breaks = WordWrap.breaks(value.plainString(), first, next);
        List<Text> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : breaks) {
            pieces.add(value.substring(from, cut));
            from = cut + 1;
        }
        pieces.add(value.substring(from));
        return pieces;
    }
}
