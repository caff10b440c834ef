package io.featurex.similar;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;

/** The model identities and hand-made vectors the index tests share. */
final class TestVectors {

    static final ModelIdentity MODEL = ModelIdentity.newBuilder()
            .setArchitecture("vgg16-notop-avgpool")
            .setWeightsSource(ModelIdentity.WeightsSource.RANDOM)
            .setWeightsDigest("random:seed=42")
            .setPreprocessing(ModelIdentity.Preprocessing.CAFFE)
            .setPrecision(ModelIdentity.Precision.FP32)
            .setInputSize(224)
            .build();
    static final ModelIdentity OTHER =
            MODEL.toBuilder().setWeightsDigest("random:seed=7").build();

    private TestVectors() {}

    static FeatureVector vector(String id, ModelIdentity model, float... values) {
        FeatureVector.Builder b = FeatureVector.newBuilder()
                .setId(id)
                .setSourceUri("file:///img/" + id)
                .setDimension(values.length)
                .setModel(model);
        for (float v : values) {
            b.addValues(v);
        }
        return b.build();
    }
}
