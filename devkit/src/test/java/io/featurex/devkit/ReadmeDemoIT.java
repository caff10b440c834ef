package io.featurex.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's sample output is the demo's own: the same seeded weights and images give the same
 * vectors, so the block and a run differ only where time and ports do, and those are compared
 * normalised. {@code -Dfeaturex.readme.update=true} writes this run's output into the README.
 */
class ReadmeDemoIT {

    private static final Path README = Path.of("..", "README.md");
    /** The first fenced block after the demo's heading. */
    private static final Pattern BLOCK =
            Pattern.compile("(## What the demo shows\\n\\n```\\n)(.*?\\n)(```\\n)", Pattern.DOTALL);

    private static final Pattern LOG_LINE =
            Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR)");

    @Test
    void theReadmeShowsWhatTheDemoPrints() throws IOException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("demo");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(code).isZero();
        assertThat(out).as("results only on stdout: logs go to stderr").doesNotContainPattern(LOG_LINE);
        assertThat(out).as("no terminal escapes when stdout is not a terminal").doesNotContain("\u001b");

        String readme = Files.readString(README);
        Matcher block = BLOCK.matcher(readme);
        assertThat(block.find())
                .as("README: a ``` block right after '## What the demo shows'")
                .isTrue();
        if (Boolean.getBoolean("featurex.readme.update")) {
            Files.writeString(README, readme.substring(0, block.start(2)) + out + readme.substring(block.end(2)));
            return;
        }
        assertThat(normalised(block.group(2)))
                .as("README's demo output; run this test with -Dfeaturex.readme.update=true to take the new one")
                .isEqualTo(normalised(out));
    }

    /** The parts that differ from run to run: the broker's port, durations and rates. */
    static String normalised(String text) {
        return text.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                .replaceAll("\\((started|loaded) in [\\d.]+ s\\)", "($1 in T s)")
                .replaceAll("in [\\d.]+ s end to end: [\\d.]+ images/s", "in T s end to end: R images/s");
    }
}
