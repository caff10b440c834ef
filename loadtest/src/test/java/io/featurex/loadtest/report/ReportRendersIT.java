package io.featurex.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The report page renders in a real browser, offline: headless Chromium loads it with every
 * host name unresolvable, its DOM holds the charts, and the screenshot is not blank
 * (check-report-renders.sh does the work; the screenshot stays in target/render-check).
 */
class ReportRendersIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void rendersInHeadlessChromium() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM),
                "skipped: /usr/bin/chromium is not installed (apt-get install -y chromium) - the report's rendering is not checked");
        Path dir = Files.createDirectories(Path.of("target", "render-check"));
        Path html = dir.resolve("report.html");
        HtmlReport.write(SampleReport.create(), html);
        Path shot = dir.resolve("report.png");
        Files.deleteIfExists(shot);
        Process p = new ProcessBuilder("bash", "check-report-renders.sh", html.toString(), shot.toString())
                .redirectErrorStream(true)
                .start();
        boolean done = p.waitFor(150, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("chromium finished: %s", output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("4 charts");
        assertThat(Files.size(shot)).isGreaterThan(30_000);
        // PNG signature
        byte[] head = Arrays.copyOf(Files.readAllBytes(shot), 8);
        assertThat(head).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
    }
}
