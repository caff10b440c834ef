package io.featurex.worker.config;

import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.infer.WeightsSource;
import java.nio.file.Path;
import java.util.Optional;

/** The model.* settings, read into what the model loader takes. */
final class ModelSettings {

    private ModelSettings() {}

    static ModelSpec from(SettingReader r) {
        String weights = r.raw(Setting.MODEL_WEIGHTS);
        if (!weights.isBlank()) {
            FileCheck.readableFile(Path.of(weights))
                    .ifPresent(why -> r.problem(Setting.MODEL_WEIGHTS, "'" + weights + "': " + why));
        }
        int seed = r.integer(Setting.MODEL_SEED, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int divisor = r.integer(Setting.MODEL_WIDTH_DIVISOR, 1, 64);
        if (divisor > 0 && 64 % divisor != 0) {
            r.problem(Setting.MODEL_WIDTH_DIVISOR, "must divide 64 (1, 2, 4, 8, 16, 32, 64), got " + divisor);
        }
        Optional<WeightsSource> format = r.auto(
                Setting.MODEL_WEIGHTS_FORMAT,
                new WeightsSource[] {WeightsSource.KERAS_H5, WeightsSource.TORCHSCRIPT, WeightsSource.DJL_PARAMS},
                WeightsSource::key);
        if (format.isPresent() && weights.isBlank()) {
            r.problem(Setting.MODEL_WEIGHTS_FORMAT, "is set but model.weights is empty");
        }
        Optional<Preprocessing> preprocessing =
                r.auto(Setting.MODEL_PREPROCESSING, Preprocessing.values(), Preprocessing::key);
        String device = r.text(Setting.MODEL_DEVICE);
        if (device != null && !device.matches("auto|cpu|gpu|gpu:\\d+")) {
            r.problem(Setting.MODEL_DEVICE, "must be auto, cpu, gpu or gpu:N, got '" + device + "'");
        }
        Precision precision = r.choice(Setting.MODEL_PRECISION, Precision.values(), Precision::key);
        if (precision == Precision.FP16 && "cpu".equals(device)) {
            r.problem(Setting.MODEL_PRECISION, "fp16 runs on a GPU only, and model.device=cpu (use bf16 or fp32)");
        }
        if (precision == Precision.INT8) {
            if (device != null && device.startsWith("gpu")) {
                r.problem(Setting.MODEL_PRECISION, "int8 runs on a CPU only, and model.device=" + device);
            }
            if (weights.isBlank()) {
                r.problem(
                        Setting.MODEL_PRECISION,
                        "int8 needs model.weights: an INT8 TorchScript file made by tools/int8/quantize_vgg16.py");
            }
            if (format.isPresent() && format.get() != WeightsSource.TORCHSCRIPT) {
                r.problem(
                        Setting.MODEL_PRECISION,
                        "int8 needs an INT8 TorchScript file (tools/int8/quantize_vgg16.py), and model.weights-format="
                                + format.get().key());
            }
        }
        return new ModelSpec(
                weights.isBlank() ? Optional.empty() : Optional.of(Path.of(weights)),
                format,
                seed,
                divisor,
                preprocessing,
                device,
                precision,
                ModelSpec.INPUT_SIZE);
    }
}
