package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.Model;
import io.featurex.worker.batch.PixelBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the configured precision can be had: refused up front where the device cannot run it,
 * and otherwise a narrowed copy of the float32 network kept only if {@link PrecisionCheck} passes.
 */
final class PrecisionNegotiation {

    private static final Logger log = LoggerFactory.getLogger(PrecisionNegotiation.class);

    private PrecisionNegotiation() {}

    /** float16 only on a GPU: libtorch's CPU float16 convolutions are slow or missing, and bf16 is the CPU's narrow type. */
    static void requireSupported(Precision precision, Device device) {
        if (precision == Precision.FP16 && !device.isGpu()) {
            throw new ModelLoadException("model.precision=fp16 needs a GPU, and this worker runs on " + device
                    + "; use bf16 (CPUs with AVX-512 BF16 or AMX) or fp32");
        }
        if (precision == Precision.INT8 && device.isGpu()) {
            throw new ModelLoadException("model.precision=int8 runs on a CPU only (libtorch's quantized kernels are "
                    + "CPU kernels), and this worker runs on " + device + "; use fp16 or bf16 there");
        }
    }

    /**
     * The float32 network's bf16/fp16 copy, kept only if its vectors agree with float32's on the
     * probe images; the float32 network is closed either way.
     */
    static FeatureExtractor narrowed(
            FeatureExtractor fp32, Model fp32Model, ModelSpec spec, Device device, String weights) {
        try (fp32) {
            ModelInfo info = fp32.info();
            PixelBatch probe = PrecisionCheck.probe(info.preprocessing(), info.inputSize());
            float[][] reference = fp32.extract(probe);
            PrecisionCast cast = PrecisionCast.to(spec.precision(), device);
            Model model;
            try {
                model = NarrowedModel.of(fp32Model, spec.widthDivisor(), device, cast, ModelLoader.ENGINE);
            } catch (RuntimeException e) {
                cast.close();
                throw e;
            }
            FeatureExtractor narrowed = SelfTest.passed(
                    new DjlFeatureExtractor(model, info.withPrecision(spec.precision()), cast),
                    info.architecture(),
                    weights,
                    device);
            try {
                double[] cosines = PrecisionCheck.cosines(reference, narrowed.extract(probe));
                PrecisionCheck.require(spec.precision(), cosines, PrecisionCheck.MIN_COSINE);
                log.info(
                        "{} agrees with float32 on {} probe images: cosine {}",
                        spec.precision().key(),
                        cosines.length,
                        PrecisionCheck.format(cosines));
                return narrowed;
            } catch (RuntimeException e) {
                narrowed.close();
                throw e;
            }
        }
    }
}
