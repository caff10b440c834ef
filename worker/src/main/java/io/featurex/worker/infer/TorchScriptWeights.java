package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A traced TorchScript module: a graph with its weights, in whatever precision it was exported. */
final class TorchScriptWeights {

    private TorchScriptWeights() {}

    /**
     * A traced module; what it computes is checked by the self-test (shape) and the golden tests.
     * Its {@value Int8Calibration#EXTRA_FILE}, if any, becomes the model's property of that name.
     */
    static Model load(ModelSpec spec, Device device, String architecture) {
        Path file = spec.weights().orElseThrow();
        Model model = Model.newInstance(architecture, device, ModelLoader.ENGINE);
        try {
            model.load(file, null, Map.of("extraFiles", Int8Calibration.EXTRA_FILE));
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelLoadException(
                    "weights file " + file + " is not a loadable TorchScript module: " + e.getMessage(), e);
        }
    }

    /**
     * The precision a TorchScript file stores its weights in, which must be the one configured:
     * a bf16 file labelled fp32 (or the reverse) would mix vectors of different models.
     */
    static Precision storedPrecision(Model model, Path file, Precision wanted) {
        Precision stored = calibration(model, file).isPresent() ? Precision.INT8 : Precision.FP32;
        for (var parameter : model.getBlock().getParameters()) {
            DataType type = parameter.getValue().getArray().getDataType();
            if (type == DataType.FLOAT16) {
                stored = Precision.FP16;
            } else if (type != DataType.FLOAT32) {
                // DJL 0.33 reports bfloat16 as UNKNOWN: it has no name for it.
                stored = Precision.BF16;
            }
        }
        if (stored != wanted) {
            model.close();
            String fix = wanted == Precision.FP32
                    ? "set model.precision=" + stored.key()
                    : wanted == Precision.INT8
                            ? "make an INT8 file from it with tools/int8/quantize_vgg16.py"
                            : "DJL cannot re-type a TorchScript graph: export it in " + wanted.key()
                                    + " (casts to and from float32 inside the graph, as bench/tools/export_seeded_vgg16.py --precision bf16 does), "
                                    + "or give Keras .h5 or DJL .params weights, which featurex narrows itself";
            throw new ModelLoadException("weights file " + file + " stores " + stored.key()
                    + " weights but model.precision=" + wanted.key() + ": " + fix);
        }
        return stored;
    }

    /** The INT8 record of a loaded file; empty for a float file. */
    static Optional<Int8Calibration> calibration(Model model, Path file) {
        return Int8Calibration.parse(model.getProperty(Int8Calibration.EXTRA_FILE), file);
    }
}
