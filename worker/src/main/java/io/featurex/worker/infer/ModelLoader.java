package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import io.featurex.worker.batch.PixelBatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import io.featurex.worker.decode.Preprocessing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the network, puts weights in it and proves it runs, all before the first image: a bad
 * weights file or a broken device fails start-up with a message naming what is wrong.
 */
public final class ModelLoader {

    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);
    private static final String ENGINE = "PyTorch";

    private ModelLoader() {}

    public static FeatureExtractor load(ModelSpec spec) {
        Device device = resolveDevice(spec.device());
        String architecture = Vgg16.architecture(spec.widthDivisor());
        spec.weights().ifPresent(file -> {
            if (!Files.isRegularFile(file)) {
                throw new ModelLoadException("weights file " + file + " does not exist or is not a regular file");
            }
        });
        WeightsSource source = spec.weights().isEmpty()
                ? WeightsSource.RANDOM
                : spec.format().orElseGet(() -> WeightsSource.detect(spec.weights().get()));
        Preprocessing preprocessing = preprocessing(spec, source);
        requireSupported(spec.precision(), device);
        Model model = switch (source) {
            case RANDOM -> seeded(spec, device, architecture);
            case DJL_PARAMS -> loadParams(spec, device, architecture);
            case KERAS_H5 -> loadKeras(spec, device, architecture);
            case TORCHSCRIPT -> loadTorchScript(spec, device, architecture);
        };
        String digest = spec.weights().map(ModelLoader::sha256).orElse("random:seed=" + spec.seed());
        String weights = spec.weights().map(f -> "weights file " + f).orElse("seeded weights");
        ModelInfo fp32 = new ModelInfo(architecture, source, digest, preprocessing, Precision.FP32,
                ModelSpec.INPUT_SIZE, Vgg16.dimension(spec.widthDivisor()), device.toString());
        FeatureExtractor extractor;
        if (source == WeightsSource.TORCHSCRIPT) {
            // A traced graph cannot be re-typed through DJL: its precision is the file's, which must be the one asked for.
            Precision stored = storedPrecision(model, spec.weights().orElseThrow(), spec.precision());
            extractor = checked(new DjlFeatureExtractor(model, withPrecision(fp32, stored), PrecisionCast.to(Precision.FP32, device)),
                    architecture, weights, device);
        } else {
            extractor = checked(new DjlFeatureExtractor(model, fp32, PrecisionCast.to(Precision.FP32, device)), architecture, weights, device);
            if (spec.precision() != Precision.FP32) {
                extractor = narrowed(extractor, model, spec, device, weights);
            }
        }
        ModelInfo info = extractor.info();
        if (info.randomWeights()) {
            log.warn("RANDOM WEIGHTS (seed {}): vectors have no ImageNet meaning; fine for demos and load "
                    + "tests only. Give a weights file for real features.", spec.seed());
        }
        log.info("model ready: {}", info.summary());
        return extractor;
    }

    /** The self-test, closing the extractor and naming the model when it fails. */
    private static FeatureExtractor checked(FeatureExtractor extractor, String architecture, String weights, Device device) {
        try {
            selfTest(extractor);
            return extractor;
        } catch (RuntimeException e) {
            extractor.close();
            throw new ModelLoadException(architecture + " with " + weights + " failed its self-test on " + device + ": " + e.getMessage(), e);
        }
    }

    /**
     * The float32 network's bf16/fp16 copy, kept only if its vectors agree with float32's on the
     * probe images; the float32 network is closed either way.
     */
    private static FeatureExtractor narrowed(FeatureExtractor fp32, Model fp32Model, ModelSpec spec, Device device, String weights) {
        try (fp32) {
            ModelInfo info = fp32.info();
            PixelBatch probe = PrecisionCheck.probe(info.preprocessing(), info.inputSize());
            float[][] reference = fp32.extract(probe);
            PrecisionCast cast = PrecisionCast.to(spec.precision(), device);
            Model model;
            try {
                model = NarrowedModel.of(fp32Model, spec.widthDivisor(), device, cast, ENGINE);
            } catch (RuntimeException e) {
                cast.close();
                throw e;
            }
            FeatureExtractor narrowed = checked(new DjlFeatureExtractor(model, withPrecision(info, spec.precision()), cast),
                    info.architecture(), weights, device);
            try {
                double[] cosines = PrecisionCheck.cosines(reference, narrowed.extract(probe));
                PrecisionCheck.require(spec.precision(), cosines, PrecisionCheck.MIN_COSINE);
                log.info("{} agrees with float32 on {} probe images: cosine {}", spec.precision().key(), cosines.length,
                        PrecisionCheck.format(cosines));
                return narrowed;
            } catch (RuntimeException e) {
                narrowed.close();
                throw e;
            }
        }
    }

    private static ModelInfo withPrecision(ModelInfo info, Precision precision) {
        return new ModelInfo(info.architecture(), info.weightsSource(), info.weightsDigest(), info.preprocessing(), precision,
                info.inputSize(), info.dimension(), info.device());
    }

    /** float16 only on a GPU: libtorch's CPU float16 convolutions are slow or missing, and bf16 is the CPU's narrow type. */
    static void requireSupported(Precision precision, Device device) {
        if (precision == Precision.FP16 && !device.isGpu()) {
            throw new ModelLoadException("model.precision=fp16 needs a GPU, and this worker runs on " + device
                    + "; use bf16 (CPUs with AVX-512 BF16 or AMX) or fp32");
        }
    }

    /**
     * The precision a TorchScript file stores its weights in, which must be the one configured:
     * a bf16 file labelled fp32 (or the reverse) would mix vectors of different models.
     */
    private static Precision storedPrecision(Model model, Path file, Precision wanted) {
        Precision stored = Precision.FP32;
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
                    : "DJL cannot re-type a TorchScript graph: export it in " + wanted.key()
                            + " (casts to and from float32 inside the graph, as bench/tools/export_seeded_vgg16.py --precision bf16 does), "
                            + "or give Keras .h5 or DJL .params weights, which featurex narrows itself";
            throw new ModelLoadException("weights file " + file + " stores " + stored.key() + " weights but model.precision="
                    + wanted.key() + ": " + fix);
        }
        return stored;
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
            log.warn("weights file {} is {}, usually trained with {} preprocessing, but model.preprocessing={}",
                    file, source.key(), trained.get().key(), chosen.key());
        }
        return chosen;
    }

    /**
     * Seeded weights are always drawn on the CPU, so that a seed means the same weights on every
     * device, then copied to the target device.
     */
    private static Model seeded(ModelSpec spec, Device device, String architecture) {
        Model cpu = Model.newInstance(architecture, Device.cpu(), ENGINE);
        Block block = Vgg16.build(spec.widthDivisor());
        cpu.setBlock(block);
        Engine.getEngine(ENGINE).setRandomSeed(spec.seed());
        // He initialisation (as torchvision's VGG): activations neither vanish nor explode
        // through 13 ReLU layers, so random features still separate different images.
        block.setInitializer(
                new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2f),
                Parameter.Type.WEIGHT);
        block.initialize(cpu.getNDManager(), DataType.FLOAT32, new Shape(1, 3, ModelSpec.INPUT_SIZE, ModelSpec.INPUT_SIZE));
        if (device.equals(Device.cpu())) {
            return cpu;
        }
        try (cpu) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));
            Model target = Model.newInstance(architecture, device, ENGINE);
            Block onDevice = Vgg16.build(spec.widthDivisor());
            target.setBlock(onDevice);
            onDevice.loadParameters(target.getNDManager(), new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            return target;
        } catch (IOException | MalformedModelException e) {
            throw new ModelLoadException("cannot move seeded weights to " + device, e);
        }
    }

    private static Model loadParams(ModelSpec spec, Device device, String architecture) {
        Path file = spec.weights().orElseThrow();
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("weights file " + file + " does not exist or is not a regular file");
        }
        requireParamsHeader(file);
        Model model = Model.newInstance(architecture, device, ENGINE);
        model.setBlock(Vgg16.build(spec.widthDivisor()));
        try (InputStream in = Files.newInputStream(file)) {
            model.load(in);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelLoadException("weights file " + file + " is not DJL .params for " + architecture + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the weights of {@code spec} (seeded, Keras HDF5 or DJL) as a DJL {@code .params}
     * file, loadable with {@code model.weights}: seeded weights then travel as a file with a
     * digest, and Keras weights load without HDF5 parsing. TorchScript holds a graph, not DJL
     * blocks, and cannot be written this way.
     */
    public static void writeParams(ModelSpec spec, Path file) {
        String architecture = Vgg16.architecture(spec.widthDivisor());
        WeightsSource source = spec.weights().isEmpty()
                ? WeightsSource.RANDOM
                : spec.format().orElseGet(() -> WeightsSource.detect(spec.weights().get()));
        Model loaded = switch (source) {
            case RANDOM -> seeded(spec, Device.cpu(), architecture);
            case KERAS_H5 -> loadKeras(spec, Device.cpu(), architecture);
            case DJL_PARAMS -> loadParams(spec, Device.cpu(), architecture);
            case TORCHSCRIPT -> throw new ModelLoadException("TorchScript " + spec.weights().get()
                    + " cannot be written as DJL .params; use it directly");
        };
        try (Model model = loaded) {
            Path dir = Files.createTempDirectory(file.toAbsolutePath().getParent(), ".featurex-params-");
            try {
                model.save(dir, "weights");
                try (var written = Files.list(dir)) {
                    Path params = written.filter(p -> p.toString().endsWith(".params")).findFirst()
                            .orElseThrow(() -> new IOException("DJL wrote no .params file"));
                    Files.move(params, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                try (var leftovers = Files.list(dir)) {
                    for (Path p : leftovers.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot write weights to " + file + ": " + e.getMessage(), e);
        }
    }

    private static Model loadKeras(ModelSpec spec, Device device, String architecture) {
        Path file = spec.weights().orElseThrow();
        List<KerasH5Weights.Conv> convs = KerasH5Weights.read(file, spec.widthDivisor());
        Model model = Model.newInstance(architecture, device, ENGINE);
        try {
            Block block = Vgg16.build(spec.widthDivisor());
            KerasH5Weights.apply(convs, block, model.getNDManager());
            // Marks the block initialised (input shapes known) without touching the weights set
            // above, so the model can also be saved as .params.
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, ModelSpec.INPUT_SIZE, ModelSpec.INPUT_SIZE));
            model.setBlock(block);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw new ModelLoadException("weights file " + file + " could not be put into " + architecture + ": " + e.getMessage(), e);
        }
    }

    /** A traced module; what it computes is checked by the self-test (shape) and the golden tests. */
    private static Model loadTorchScript(ModelSpec spec, Device device, String architecture) {
        Path file = spec.weights().orElseThrow();
        Model model = Model.newInstance(architecture, device, ENGINE);
        try {
            model.load(file);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelLoadException("weights file " + file + " is not a loadable TorchScript module: " + e.getMessage(), e);
        }
    }

    /** DJL accepts some non-model streams silently; its files start with "DJL@", so check that first. */
    private static void requireParamsHeader(Path file) {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) != 4 || !new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("DJL@")) {
                throw new ModelLoadException("weights file " + file + " is not a DJL .params file (it does not start with DJL@)");
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
    }

    /** One blank image through the network: shape and finiteness, before any real input. */
    private static void selfTest(FeatureExtractor extractor) {
        int size = extractor.info().inputSize();
        float[][] out = extractor.extract(new PixelBatch(List.of(new float[size * size * 3]), size));
        if (out.length != 1 || out[0].length != extractor.info().dimension()) {
            throw new ModelLoadException("self-test: network returned the wrong shape");
        }
        for (float v : out[0]) {
            if (!Float.isFinite(v)) {
                throw new ModelLoadException("self-test: network returned a non-finite value (" + v + ")");
            }
        }
    }

    static Device resolveDevice(String name) {
        if (name.equals("auto")) {
            return Engine.getEngine(ENGINE).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        }
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        if (name.equals("gpu")) {
            return Device.gpu();
        }
        if (name.startsWith("gpu:")) {
            return Device.gpu(Integer.parseInt(name.substring(4)));
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (auto, cpu, gpu or gpu:N)");
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read weights file " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
