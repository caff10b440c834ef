package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelOnlyOptionsTest {

    @Test
    void bf16IsMeasuredWhereTheCpuRunsItInHardware() {
        assertThat(new ModelOnlyOptions().bf16Skipped(true)).isEmpty();
    }

    @Test
    void emulatedBf16IsSkippedWithTheReason() {
        assertThat(new ModelOnlyOptions().bf16Skipped(false)).get().asString().contains("no AVX-512 BF16", "emulate");
    }

    @Test
    void bf16NotAskedForIsNotMeasuredOnAnyCpu() {
        ModelOnlyOptions options = new ModelOnlyOptions();
        options.precisions = new ArrayList<>(List.of("fp32", "int8"));
        assertThat(options.bf16Skipped(true)).get().asString().contains("not requested");
        options = new ModelOnlyOptions();
        options.batchSizes = new ArrayList<>();
        assertThat(options.bf16Skipped(true)).get().asString().contains("not requested");
    }
}
