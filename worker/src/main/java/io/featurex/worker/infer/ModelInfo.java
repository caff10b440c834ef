package io.featurex.worker.infer;

import io.featurex.worker.decode.Preprocessing;

/**
 * The identity of a loaded model, written into every output so that downstream consumers never
 * compare vectors of different models.
 *
 * @param weightsDigest "sha256:&lt;hex&gt;" of the weights file, or "random:seed=&lt;n&gt;"
 * @param device        where it runs, e.g. "cpu()" or "gpu(0)"
 */
public record ModelInfo(
        String architecture,
        WeightsSource weightsSource,
        String weightsDigest,
        Preprocessing preprocessing,
        Precision precision,
        int inputSize,
        int dimension,
        String device) {

    /** The same model computing in another precision (a narrowed copy, or a TorchScript file's own). */
    public ModelInfo withPrecision(Precision other) {
        return new ModelInfo(
                architecture, weightsSource, weightsDigest, preprocessing, other, inputSize, dimension, device);
    }

    public boolean randomWeights() {
        return weightsSource == WeightsSource.RANDOM;
    }

    /** One line for logs and the demo. */
    public String summary() {
        return architecture + " weights=" + weightsDigest + " preprocessing=" + preprocessing.key() + " precision="
                + precision.key() + " dim=" + dimension + " device=" + device;
    }
}
