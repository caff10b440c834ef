package io.featurex.worker.infer;

import java.util.Locale;

/**
 * The float type the network computes in ({@code model.precision}). Inputs and outputs stay
 * float32 whatever it is: only the weights and the activations inside the network narrow. It is
 * part of the model identity, since vectors of different precisions differ slightly and must not
 * be mixed in one index.
 */
public enum Precision {
    FP32("fp32"),
    /** bfloat16: float32's range, 8 bits of mantissa; fast on CPUs with AVX-512 BF16 or AMX, and on GPUs since Ampere. */
    BF16("bf16"),
    /** float16: GPU only here (libtorch's CPU float16 convolutions are slow or missing). */
    FP16("fp16"),
    /**
     * int8 weights (per output channel) and uint8 activations, CPU only: a TorchScript file made by
     * {@code tools/int8/quantize_vgg16.py}, whose quantization is fixed at calibration and recorded in it.
     */
    INT8("int8");

    private final String key;

    Precision(String key) {
        this.key = key;
    }

    /** Configuration spelling. */
    public String key() {
        return key;
    }

    public static Precision fromKey(String key) {
        for (Precision p : values()) {
            if (p.key.equals(key.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + key + "' (fp32, bf16, fp16, int8)");
    }
}
