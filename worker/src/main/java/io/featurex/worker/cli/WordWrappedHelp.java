package io.featurex.worker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

/** picocli's usage help with its options and descriptions wrapped at spaces only ({@link WordWrap}). */
final class WordWrappedHelp extends Help {

    /** Wider than any description paragraph. */
    private static final int UNWRAPPED = 20_000;

    WordWrappedHelp(CommandSpec spec, ColorScheme colorScheme) {
        super(spec, colorScheme);
    }

    /** Installs this help on {@code cli} and every subcommand it has so far. */
    static void install(CommandLine cli) {
        cli.setHelpFactory(WordWrappedHelp::new);
    }

    @Override
    public Layout createDefaultLayout() {
        Layout layout = super.createDefaultLayout();
        return new Layout(
                colorScheme(),
                new WordWrappedTable(colorScheme(), layout.textTable()),
                layout.optionRenderer(),
                layout.parameterRenderer());
    }

    @Override
    public String description(Object... params) {
        String[] lines = commandSpec().usageMessage().description();
        if (lines.length == 0) {
            return "";
        }
        int width = commandSpec().usageMessage().width();
        // picocli's own formatting, on lines too long for it to break (plain: help has no colours), then ours.
        String unwrapped = join(Ansi.OFF, UNWRAPPED, false, lines, new StringBuilder(), params)
                .toString();
        StringBuilder out = new StringBuilder();
        for (String line : unwrapped.stripTrailing().split("\\R", -1)) {
            for (Ansi.Text piece : WordWrappedTable.pieces(Ansi.OFF.new Text(line.stripTrailing()), width, width)) {
                out.append(piece.plainString()).append(System.lineSeparator());
            }
        }
        return out.toString();
    }
}
