package io.featurex.worker.infer;

import io.featurex.worker.decode.Preprocessing;

/**
 * The identity of a loaded model, written into every output so that downstream consumers never
 * compare vectors of different models.
 *
 * @param weightsDigest     "sha256:&lt;hex&gt;" of the weights file, or "random:seed=&lt;n&gt;"
 * @param device            where it runs, e.g. "cpu()" or "gpu(0)"
 * @param calibrationDigest int8: "sha256:&lt;hex&gt;" of the images its activation ranges came from (two
 *                          calibrations of the same weights give different vectors); empty for float precisions
 */
public record ModelInfo(
        String architecture,
        WeightsSource weightsSource,
        String weightsDigest,
        Preprocessing preprocessing,
        Precision precision,
        int inputSize,
        int dimension,
        String device,
        String calibrationDigest) {

    /** A float model: nothing calibrated. */
    public ModelInfo(
            String architecture,
            WeightsSource weightsSource,
            String weightsDigest,
            Preprocessing preprocessing,
            Precision precision,
            int inputSize,
            int dimension,
            String device) {
        this(architecture, weightsSource, weightsDigest, preprocessing, precision, inputSize, dimension, device, "");
    }

    /** The same model computing in another precision (a narrowed copy, or a TorchScript file's own). */
    public ModelInfo withPrecision(Precision other) {
        return new ModelInfo(
                architecture,
                weightsSource,
                weightsDigest,
                preprocessing,
                other,
                inputSize,
                dimension,
                device,
                calibrationDigest);
    }

    /** The INT8 network calibrated on the images of {@code digest}, fed with {@code mode}. */
    ModelInfo int8(String digest, Preprocessing mode) {
        return new ModelInfo(
                architecture, weightsSource, weightsDigest, mode, Precision.INT8, inputSize, dimension, device, digest);
    }

    public boolean randomWeights() {
        return weightsSource == WeightsSource.RANDOM;
    }

    /** One line for logs and the demo. */
    public String summary() {
        return architecture + " weights=" + weightsDigest + " preprocessing=" + preprocessing.key() + " precision="
                + precision.key() + (calibrationDigest.isEmpty() ? "" : " calibration=" + calibrationDigest)
                + " dim=" + dimension + " device=" + device;
    }
}
