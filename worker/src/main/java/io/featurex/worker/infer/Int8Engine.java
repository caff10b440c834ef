package io.featurex.worker.infer;

import java.util.Optional;
import java.util.Set;

/**
 * Which of libtorch's int8 kernels run on this CPU, and whether the file was calibrated for them.
 *
 * <p>DJL 0.33 cannot choose libtorch's quantized engine (its JNI has no binding for
 * {@code at::globalContext().setQEngine}), so libtorch's default stands: {@code x86} wherever
 * fbgemm runs (AVX2). It packs the int8 weights when the file is loaded, and runs a convolution
 * with symmetric weights through oneDNN where the CPU has VNNI (AVX-512 VNNI or AVX-VNNI), through
 * fbgemm elsewhere. oneDNN's u8*s8 dot products cannot overflow; fbgemm's AVX2 kernels add pairs
 * of products in 16 bits, which can saturate with 8-bit activations. Saturation is not the whole
 * story: on an AVX2-only EPYC the tests' width/8 file reached cosine 0.984 on one probe image, and
 * 0.9845 recalibrated with 7-bit activations ({@code reduce_range}), so 7 bits are no remedy there.
 */
final class Int8Engine {

    private Int8Engine() {}

    /** The kernels libtorch's default engine picks for VGG16's convolutions on a CPU with these flags. */
    static String kernels(Set<String> flags) {
        if (CpuFeatures.vnni(flags)) {
            return "libtorch x86 engine: oneDNN VNNI convolutions";
        }
        if (flags.contains("avx2")) {
            return "libtorch x86 engine: fbgemm AVX2 convolutions (no VNNI)";
        }
        return "libtorch's default quantized engine (CPU flags unknown or without AVX2)";
    }

    /** Why the calibration does not suit this CPU's kernels, if it does not. */
    static Optional<String> mismatch(Int8Calibration calibration, Set<String> flags) {
        if (calibration.fullRange() && !CpuFeatures.vnni(flags)) {
            return Optional.of("calibrated for " + calibration.qengine() + " with 8-bit activations, but this CPU has "
                    + "no VNNI, so libtorch runs fbgemm's AVX2 kernels, which were less exact on such a file "
                    + "(cosine 0.984 on a probe image, 0.9845 with 7-bit activations); the probe check decides "
                    + "whether it loads. Where it is refused, keep fp32 on this CPU, or run int8 on one with "
                    + "VNNI (AVX-512 VNNI or AVX-VNNI)");
        }
        return Optional.empty();
    }
}
