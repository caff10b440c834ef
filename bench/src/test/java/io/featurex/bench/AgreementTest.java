package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.ModelIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgreementTest {

    private static final ModelIdentity INT8 = ModelIdentity.newBuilder()
            .setArchitecture("a")
            .setPrecision(ModelIdentity.Precision.INT8)
            .setCalibrationDigest("sha256:aa")
            .setInputSize(224)
            .build();

    private static final List<String> NAMES = List.of("a", "b", "c", "d");
    private static final float[][] FP32 = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};

    @Test
    void identicalVectorsAgreeFully() {
        Agreement a = Agreement.of(NAMES, FP32, FP32, INT8, 1);
        assertThat(a.minCosine()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.recall()).isEqualTo(1.0);
    }

    @Test
    void aNeighbourThatMovesCostsRecallAndTheWorstImageIsNamed() {
        // b and d swap places: every nearest neighbour changes.
        float[][] moved = {{1, 0}, {0.2f, 0.8f}, {0, 1}, {0.9f, 0.1f}};
        Agreement a = Agreement.of(NAMES, FP32, moved, INT8, 1);
        assertThat(a.recall()).isLessThan(1.0);
        assertThat(a.worst()).isIn("b", "d");
        assertThat(a.cosines()).hasSize(4);
    }
}
