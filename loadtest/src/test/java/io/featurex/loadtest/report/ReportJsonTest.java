package io.featurex.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportJsonTest {

    @Test
    @SuppressWarnings("unchecked")
    void shapeForMachines() throws Exception {
        Map<String, Object> json = SampleReport.asMap(ReportJson.toJson(SampleReport.create()));
        assertThat(json)
                .containsKeys(
                        "tool",
                        "version",
                        "run_id",
                        "started_at",
                        "start_epoch_ms",
                        "command",
                        "setup",
                        "notes",
                        "definitions",
                        "summary",
                        "latency_ms",
                        "latency_curve",
                        "dead_letters_by_code",
                        "outputs_by_worker",
                        "lost_ids",
                        "duplicated_ids",
                        "timeline",
                        "events");
        Map<String, Object> summary = (Map<String, Object>) json.get("summary");
        assertThat(summary)
                .containsKeys(
                        "verdict",
                        "sent",
                        "completed",
                        "features",
                        "dead_letters",
                        "lost",
                        "duplicated",
                        "duplicate_records",
                        "throughput_steady",
                        "send_behind_max_ms",
                        "longest_output_gap_ms");
        assertThat(summary.get("lost")).isEqualTo(1);
        assertThat(summary.get("duplicated")).isEqualTo(1);
        Map<String, Object> latency = (Map<String, Object>) json.get("latency_ms");
        assertThat((Map<String, Object>) latency.get("output"))
                .containsOnlyKeys("count", "min", "mean", "p50", "p90", "p99", "p999", "max");
        List<Map<String, Object>> timeline = (List<Map<String, Object>>) json.get("timeline");
        assertThat(timeline.get(0))
                .containsOnlyKeys(
                        "t_seconds",
                        "sent_per_second",
                        "completed_per_second",
                        "dead_letters_per_second",
                        "lag",
                        "max_latency_ms");
        List<Map<String, Object>> curve = (List<Map<String, Object>>) json.get("latency_curve");
        assertThat(curve.get(0)).containsOnlyKeys("percentile", "output_ms", "seen_ms");
        assertThat(json.get("dead_letters_by_code")).isEqualTo(Map.of("FILE_NOT_FOUND", 31));
        assertThat(json.get("duplicated_ids")).isEqualTo(Map.of("sample-2000", 2));
    }

    @Test
    void readsBackWhatItWrote(@TempDir Path dir) throws Exception {
        Report report = SampleReport.create();
        Path file = dir.resolve("report.json");
        ReportJson.write(report, file);
        assertThat(ReportJson.read(file)).isEqualTo(report);
        assertThat(Files.readString(file)).startsWith("{\n");
    }
}
