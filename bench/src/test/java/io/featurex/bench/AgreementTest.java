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

    @Test
    void theMarginIsTheMedianGapBetweenTheKthAndTheNextNeighbourOfTheReference() {
        // Cosines of the reference: a-b 0.9939, a-d 0.1104, b-d 0.2195 (and c, d mirror a, b).
        // Gaps between the 1st and 2nd neighbour: a and c 0.9939 - 0.1104, b and d 0.9939 - 0.2195.
        double ab = cos(FP32[0], FP32[1]);
        double ad = cos(FP32[0], FP32[3]);
        double bd = cos(FP32[1], FP32[3]);
        Agreement a = Agreement.of(NAMES, FP32, FP32, INT8, 1);
        double larger = Math.max(ab - ad, ab - bd);
        assertThat(a.margin()).isCloseTo(larger, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(a.medianError()).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    private static double cos(float[] x, float[] y) {
        double dot = x[0] * y[0] + x[1] * y[1];
        return dot / Math.sqrt((x[0] * x[0] + x[1] * x[1]) * (y[0] * y[0] + y[1] * y[1]));
    }
}
