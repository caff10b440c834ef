package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.Model;
import io.featurex.worker.decode.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the network, puts weights in it and proves it runs, all before the first image: a bad
 * weights file or a broken device fails start-up with a message naming what is wrong.
 */
public final class ModelLoader {

    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);
    static final String ENGINE = "PyTorch";

    private ModelLoader() {}

    public static FeatureExtractor load(ModelSpec spec) {
        Device device = Devices.resolve(spec.device());
        String architecture = Vgg16.architecture(spec.widthDivisor());
        spec.weights().ifPresent(file -> {
            if (!Files.isRegularFile(file)) {
                throw new ModelLoadException("weights file " + file + " does not exist or is not a regular file");
            }
        });
        WeightsSource source = source(spec);
        Preprocessing preprocessing = preprocessing(spec, source);
        PrecisionNegotiation.requireSupported(spec.precision(), device);
        if (spec.inputSize() != ModelSpec.INPUT_SIZE && source != WeightsSource.RANDOM) {
            // Weights trained at 224 px would give vectors nobody could compare with anyone else's.
            throw new ModelLoadException("an input size of " + spec.inputSize() + " px is for seeded weights only; "
                    + source.key() + " weights run at " + ModelSpec.INPUT_SIZE);
        }
        Model model = switch (source) {
            case RANDOM -> SeededWeights.load(spec, device, architecture);
            case DJL_PARAMS -> DjlParamsWeights.load(spec, device, architecture);
            case KERAS_H5 -> KerasH5Weights.load(spec, device, architecture);
            case TORCHSCRIPT -> TorchScriptWeights.load(spec, device, architecture);
        };
        String weights = spec.weights().map(f -> "weights file " + f).orElse("seeded weights");
        ModelInfo fp32 = new ModelInfo(
                architecture,
                source,
                WeightsDigest.of(spec),
                preprocessing,
                Precision.FP32,
                spec.inputSize(),
                Vgg16.dimension(spec.widthDivisor()),
                device.toString());
        FeatureExtractor extractor;
        if (spec.precision() == Precision.INT8 && source != WeightsSource.TORCHSCRIPT) {
            model.close();
            throw new ModelLoadException(
                    "model.precision=int8 needs an INT8 TorchScript file made from these weights by "
                            + "tools/int8/quantize_vgg16.py (calibrated on your images); " + weights + " is "
                            + source.key());
        }
        if (source == WeightsSource.TORCHSCRIPT && spec.precision() == Precision.INT8) {
            Path file = spec.weights().orElseThrow();
            TorchScriptWeights.storedPrecision(model, file, Precision.INT8); // refuses a float file
            extractor = Int8Model.checked(
                    model, TorchScriptWeights.calibration(model, file).orElseThrow(), fp32, spec, device, weights);
        } else if (source == WeightsSource.TORCHSCRIPT) {
            // A traced graph cannot be re-typed through DJL: its precision is the file's, which must be the one asked
            // for.
            Precision stored =
                    TorchScriptWeights.storedPrecision(model, spec.weights().orElseThrow(), spec.precision());
            extractor = SelfTest.passed(
                    new DjlFeatureExtractor(
                            model, fp32.withPrecision(stored), PrecisionCast.to(Precision.FP32, device)),
                    architecture,
                    weights,
                    device);
        } else {
            extractor = SelfTest.passed(
                    new DjlFeatureExtractor(model, fp32, PrecisionCast.to(Precision.FP32, device)),
                    architecture,
                    weights,
                    device);
            if (spec.precision() != Precision.FP32) {
                extractor = PrecisionNegotiation.narrowed(extractor, model, spec, device, weights);
            }
        }
        ModelInfo info = extractor.info();
        if (info.randomWeights()) {
            log.warn(
                    "RANDOM WEIGHTS (seed {}): vectors have no ImageNet meaning; fine for demos and load "
                            + "tests only. Give a weights file for real features.",
                    spec.seed());
        }
        log.info("model ready: {}", info.summary());
        return extractor;
    }

    /**
     * Writes the weights of {@code spec} (seeded, Keras HDF5 or DJL) as a DJL {@code .params}
     * file, loadable with {@code model.weights}: seeded weights then travel as a file with a
     * digest, and Keras weights load without HDF5 parsing. TorchScript holds a graph, not DJL
     * blocks, and cannot be written this way.
     */
    public static void writeParams(ModelSpec spec, Path file) {
        String architecture = Vgg16.architecture(spec.widthDivisor());
        Model loaded = switch (source(spec)) {
            case RANDOM -> SeededWeights.load(spec, Device.cpu(), architecture);
            case KERAS_H5 -> KerasH5Weights.load(spec, Device.cpu(), architecture);
            case DJL_PARAMS -> DjlParamsWeights.load(spec, Device.cpu(), architecture);
            case TORCHSCRIPT ->
                throw new ModelLoadException(
                        "TorchScript " + spec.weights().get() + " cannot be written as DJL .params; use it directly");
        };
        try (Model model = loaded) {
            DjlParamsWeights.write(model, file);
        } catch (IOException e) {
            throw new ModelLoadException("cannot write weights to " + file + ": " + e.getMessage(), e);
        }
    }

    private static WeightsSource source(ModelSpec spec) {
        return spec.weights().isEmpty()
                ? WeightsSource.RANDOM
                : spec.format()
                        .orElseGet(() -> WeightsSource.detect(spec.weights().get()));
    }

    /**
     * The mode the weights were trained with, unless configured. A Keras file is certainly caffe,
     * so another mode is refused; a TorchScript file is torchvision's by convention only, so a
     * different mode is allowed with a warning (it may be a converted Keras model).
     */
    private static Preprocessing preprocessing(ModelSpec spec, WeightsSource source) {
        Optional<Preprocessing> trained = source.trainedWith();
        if (spec.preprocessing().isEmpty()) {
            return trained.orElse(Preprocessing.CAFFE);
        }
        Preprocessing chosen = spec.preprocessing().get();
        if (trained.isPresent() && trained.get() != chosen) {
            String file = spec.weights().map(Path::toString).orElse("");
            if (source == WeightsSource.KERAS_H5) {
                throw new ModelLoadException("weights file " + file + " holds Keras VGG16 weights, trained with "
                        + trained.get().key() + " preprocessing; model.preprocessing=" + chosen.key()
                        + " would give meaningless vectors");
            }
            log.warn(
                    "weights file {} is {}, usually trained with {} preprocessing, but model.preprocessing={}",
                    file,
                    source.key(),
                    trained.get().key(),
                    chosen.key());
        }
        return chosen;
    }
}
