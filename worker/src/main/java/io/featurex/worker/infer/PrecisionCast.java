package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * Narrows float32 arrays (weights once, each batch's input) to the network's precision; the
 * result belongs to the input's manager.
 *
 * <p>float16 is a plain {@code toType}. bfloat16 is not: DJL 0.33's JNI maps no data type to
 * bfloat16 ({@code toType(BFLOAT16)} aborts the JVM), so the cast runs through a one-line
 * TorchScript module shipped as a resource ({@code to_bfloat16.pt}, made by
 * {@code tools/bf16/make_to_bfloat16.py}). Everything afterwards works on the bfloat16
 * tensors it returns: libtorch's convolution, ReLU, pooling, and {@code toType(FLOAT32)} back.
 */
final class PrecisionCast implements AutoCloseable {

    static final String BF16_MODULE = "to_bfloat16.pt";

    private final Precision precision;
    /** The bfloat16 cast module; null for other precisions. */
    private final Model bf16;

    private PrecisionCast(Precision precision, Model bf16) {
        this.precision = precision;
        this.bf16 = bf16;
    }

    static PrecisionCast to(Precision precision, Device device) {
        if (precision != Precision.BF16) {
            return new PrecisionCast(precision, null);
        }
        Model module = Model.newInstance("to-bfloat16", device, "PyTorch");
        try (InputStream in = PrecisionCast.class.getResourceAsStream(BF16_MODULE)) {
            if (in == null) {
                throw new ModelLoadException("resource " + BF16_MODULE + " is missing from the featurex jar");
            }
            module.load(in);
            return new PrecisionCast(precision, module);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            module.close();
            throw e instanceof ModelLoadException m
                    ? m
                    : new ModelLoadException(
                            "cannot load the bfloat16 cast module on " + device + ": " + e.getMessage(), e);
        }
    }

    Precision precision() {
        return precision;
    }

    /** @return {@code fp32} itself for float32, else a new array in the same manager */
    NDArray apply(NDArray fp32) {
        return switch (precision) {
            // int8: quantize and dequantize are inside the TorchScript graph, which takes float32.
            case FP32, INT8 -> fp32;
            case FP16 -> fp32.toType(DataType.FLOAT16, false);
            case BF16 ->
                bf16.getBlock()
                        .forward(new ParameterStore(fp32.getManager(), false), new NDList(fp32), false)
                        .singletonOrThrow();
        };
    }

    @Override
    public void close() {
        if (bf16 != null) {
            bf16.close();
        }
    }
}
