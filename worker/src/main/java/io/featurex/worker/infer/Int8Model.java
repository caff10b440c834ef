package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.Model;
import io.featurex.worker.decode.Preprocessing;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An INT8 TorchScript file as a feature extractor: fed with the preprocessing it was calibrated
 * with, and kept only if its vectors of the probe images stored in it agree with float32's.
 */
final class Int8Model {

    private static final Logger log = LoggerFactory.getLogger(Int8Model.class);

    private Int8Model() {}

    /** Takes ownership of {@code model}: it is closed when this fails. */
    static FeatureExtractor checked(
            Model model, Int8Calibration calibration, ModelInfo fp32, ModelSpec spec, Device device, String weights) {
        Path file = spec.weights().orElseThrow();
        try {
            Preprocessing mode = preprocessing(calibration, spec, file);
            if (calibration.widthDivisor() != spec.widthDivisor()) {
                throw new ModelLoadException("weights file " + file + " is VGG16 at width/" + calibration.widthDivisor()
                        + " but model.width-divisor=" + spec.widthDivisor());
            }
            var flags = CpuFeatures.flags();
            Int8Engine.mismatch(calibration, flags).ifPresent(why -> log.warn("weights file {}: {}", file, why));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        ModelInfo info = fp32.int8(calibration.digest(), calibration.preprocessing());
        FeatureExtractor int8 = SelfTest.passed(
                new DjlFeatureExtractor(model, info, PrecisionCast.to(Precision.INT8, device)),
                info.architecture(),
                weights,
                device);
        try {
            double[] cosines = PrecisionCheck.cosines(calibration.probeFp32(), int8.extract(calibration.probe()));
            PrecisionCheck.require(Precision.INT8, cosines, PrecisionCheck.MIN_COSINE);
            log.info(
                    "int8 calibrated on {}, {}; agrees with float32 on the file's {} probe images: cosine {}",
                    calibration.summary(),
                    Int8Engine.kernels(CpuFeatures.flags()),
                    cosines.length,
                    PrecisionCheck.format(cosines));
            return int8;
        } catch (RuntimeException e) {
            int8.close();
            throw e;
        }
    }

    /** The calibration images' preprocessing is the only one whose activation ranges were observed. */
    private static Preprocessing preprocessing(Int8Calibration calibration, ModelSpec spec, Path file) {
        Preprocessing calibrated = calibration.preprocessing();
        if (spec.preprocessing().isPresent() && spec.preprocessing().get() != calibrated) {
            throw new ModelLoadException("weights file " + file + " was calibrated on images with " + calibrated.key()
                    + " preprocessing, but model.preprocessing="
                    + spec.preprocessing().get().key()
                    + ": unset it, or remake the file with --preprocessing "
                    + spec.preprocessing().get().key());
        }
        return calibrated;
    }
}
