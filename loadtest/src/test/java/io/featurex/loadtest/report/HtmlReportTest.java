package io.featurex.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    @Test
    void selfContainedPageWithThreeKindsOfChart() {
        String html = HtmlReport.render(SampleReport.create());
        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html).contains("Throughput over time", "Lag over time", "Latency by percentile");
        assertThat(html.split("<svg ", -1)).hasSize(1 + 4);
        // Nothing is fetched: no script, no external stylesheet, image or font.
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
                .doesNotContain("<script", "<link", "src=", "href=\"http", "url(", "@import", "http://", "https://");
        assertThat(html).contains("worker w3 joins", "FILE_NOT_FOUND", "sample-1234", "sample-2000 ×2");
        assertThat(html).contains("SAMPLE DATA");
        assertThat(html).contains("&lt;sample &amp; &quot;escaping&quot;&gt;").doesNotContain("<sample &");
    }

    @Test
    void emptyRunStillRenders() {
        Report r = SampleReport.create();
        Report empty = new Report(
                r.tool(),
                r.version(),
                r.runId(),
                r.startedAt(),
                r.startEpochMs(),
                r.command(),
                r.setup(),
                List.of(),
                r.definitions(),
                r.summary(),
                r.latencyMs(),
                List.of(),
                Map.of(),
                Map.of(),
                List.of(),
                Map.of(),
                List.of(),
                List.of());
        assertThat(HtmlReport.render(empty)).contains("</html>").doesNotContain("NaN");
    }
}
