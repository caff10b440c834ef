package io.featurex.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's first command, as a user runs it: no arguments, its own broker, exit 0. */
class DemoIT {

    @Test
    void demoRunsEndToEndWithNoArguments() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("demo", "--width-divisor", "8");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(code).isZero();
        assertThat(out)
                .contains("in-process Kafka broker at 127.0.0.1:")
                .contains("RANDOM WEIGHTS")
                .contains("cosine similarity")
                .contains("8 features, 0 dead letters, 0 missing");
        assertThat(out.lines().filter(l -> l.matches("^cat-crop\\.jpg\\s+64\\s.*")))
                .hasSize(1);
    }
}
