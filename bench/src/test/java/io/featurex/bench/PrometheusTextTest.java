package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String EXPOSITION = """
            # HELP featurex_batches_total Micro-batches run through the model.
            # TYPE featurex_batches_total counter
            featurex_batches_total 25.0
            featurex_batch_size_images_count 25
            featurex_batch_size_images_sum 200.0
            featurex_stage_duration_seconds_count{stage="decode"} 200
            featurex_stage_duration_seconds_sum{stage="decode"} 4.0
            featurex_stage_duration_seconds_count{stage="inference"} 25
            featurex_stage_duration_seconds_sum{stage="inference"} 27.5
            featurex_stage_duration_seconds_count{stage="fetch"} 200
            featurex_stage_duration_seconds_sum{stage="fetch"} 0.2
            featurex_stage_duration_seconds_count{stage="queue"} 200
            featurex_stage_duration_seconds_sum{stage="queue"} 100.0
            featurex_stage_duration_seconds_count{stage="publish"} 25
            featurex_stage_duration_seconds_sum{stage="publish"} 0.5
            featurex_model_info{architecture="vgg16",device="cpu()"} 1 1700000000000
            """;

    @Test
    void readsSeriesWithAndWithoutLabels() {
        PrometheusText m = PrometheusText.parse(EXPOSITION);
        assertThat(m.get("featurex_batches_total")).isEqualTo(25.0);
        assertThat(m.get("featurex_stage_duration_seconds_sum", "stage", "decode"))
                .isEqualTo(4.0);
        assertThat(m.get("featurex_model_info", "architecture", "vgg16", "device", "cpu()"))
                .isEqualTo(1.0);
        assertThat(m.value("featurex_missing")).isEmpty();
        assertThat(m.get("featurex_missing")).isNaN();
    }

    @Test
    void stageBreakdownBetweenTwoScrapesIsTheDifference() {
        PrometheusText before = PrometheusText.parse("""
                featurex_batch_size_images_count 5
                featurex_batch_size_images_sum 40.0
                featurex_stage_duration_seconds_count{stage="inference"} 5
                featurex_stage_duration_seconds_sum{stage="inference"} 7.5
                """);
        StageBreakdown s = StageBreakdown.between(before, PrometheusText.parse(EXPOSITION));
        assertThat(s.batches()).isEqualTo(20.0);
        assertThat(s.images()).isEqualTo(160.0);
        assertThat(s.inferenceSecondsPerBatch()).isCloseTo(1.0, within(1e-12));
        assertThat(s.decodeSecondsPerImage()).isCloseTo(0.02, within(1e-12)); // absent before: counted from zero
    }

    @Test
    void stageBreakdownFromAWorkersMetrics() {
        StageBreakdown s = StageBreakdown.from(PrometheusText.parse(EXPOSITION));
        assertThat(s.meanBatch()).isEqualTo(8.0);
        assertThat(s.decodeSecondsPerImage()).isCloseTo(0.02, within(1e-12));
        assertThat(s.inferenceSecondsPerBatch()).isCloseTo(1.1, within(1e-12));
        assertThat(s.inferenceSecondsPerImage()).isCloseTo(0.1375, within(1e-12));
        assertThat(s.modelBusy(30.0)).isCloseTo(27.5 / 30, within(1e-12));
        assertThat(s.describe(30.0, Double.NaN))
                .startsWith("mean batch 8.00 over 25 batches; per image: fetch 1.0 ms, decode 20.0 ms");
    }
}
