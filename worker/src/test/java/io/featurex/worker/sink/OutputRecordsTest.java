package io.featurex.worker.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.ModelIdentity;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.ModelInfo;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.infer.WeightsSource;
import org.junit.jupiter.api.Test;

class OutputRecordsTest {

    @Test
    void theModelIdentityCarriesTheRealPrecisionSoPrecisionsNeverMix() {
        ModelIdentity fp32 = new OutputRecords("f", "d", "w", info(Precision.FP32), "").model();
        ModelIdentity bf16 = new OutputRecords("f", "d", "w", info(Precision.BF16), "").model();
        ModelIdentity fp16 = new OutputRecords("f", "d", "w", info(Precision.FP16), "").model();
        assertThat(fp32.getPrecision()).isEqualTo(ModelIdentity.Precision.FP32);
        assertThat(bf16.getPrecision()).isEqualTo(ModelIdentity.Precision.BF16);
        assertThat(fp16.getPrecision()).isEqualTo(ModelIdentity.Precision.FP16);
        assertThat(bf16).isNotEqualTo(fp32); // the index compares whole identities
    }

    @Test
    void theModelIdentityCarriesHowImagesWereDecoded() {
        ModelIdentity framework = new OutputRecords("f", "d", "w", info(Precision.FP32), "").model();
        ModelIdentity reduced = new OutputRecords("f", "d", "w", info(Precision.FP32), "jpeg-reduce").model();
        assertThat(framework.getDecode()).isEmpty();
        assertThat(reduced.getDecode()).isEqualTo("jpeg-reduce");
        assertThat(reduced).isNotEqualTo(framework);
    }

    private static ModelInfo info(Precision precision) {
        return new ModelInfo("vgg16-notop-avgpool", WeightsSource.KERAS_H5, "sha256:ab", Preprocessing.CAFFE, precision, 224, 512, "cpu()");
    }
}
