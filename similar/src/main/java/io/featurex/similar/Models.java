package io.featurex.similar;

import io.featurex.v1.ModelIdentity;
import io.featurex.worker.infer.ModelInfo;
import io.featurex.worker.sink.OutputRecords;

/** Model identities as the index sees them: the one the workers write, and how to show it. */
final class Models {

    private Models() {}

    /**
     * The identity a worker running this model writes into its vectors. Taken from
     * {@link OutputRecords} itself, so the index and the workers can never map it differently.
     */
    static ModelIdentity identityOf(ModelInfo info, String decode) {
        return OutputRecords.identity(info, decode);
    }

    static String describe(ModelIdentity m) {
        return m.getArchitecture() + " weights=" + m.getWeightsDigest() + " (" + m.getWeightsSource() + ")"
                + " preprocessing=" + m.getPreprocessing() + " precision=" + m.getPrecision() + " input="
                + m.getInputSize()
                + (m.getDecode().isEmpty() ? "" : " decode=" + m.getDecode())
                + (m.getCalibrationDigest().isEmpty() ? "" : " calibration=" + m.getCalibrationDigest());
    }
}
