package io.featurex.worker.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.cli.TestAccess;
import io.featurex.worker.decode.JpegBackend;
import io.featurex.worker.decode.NativeDecoders;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoadException;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.infer.Precision;
import io.featurex.worker.infer.WeightsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our VGG16, with weights from Keras' HDF5 layout and from a TorchScript trace, against the
 * vectors torch computed for the same weights and inputs.
 */
class GoldenModelTest {

    /** Float32 convolutions summed in another order: the reference itself moves this much between batch sizes. */
    private static final double RELATIVE_TOLERANCE = 1e-5;

    private static FeatureExtractor keras;
    private static FeatureExtractor torchScript;

    @BeforeAll
    static void load() {
        keras = ModelLoader.load(ModelSpec.file(Golden.weights("vgg16-w8-notop.h5"), Golden.WIDTH_DIVISOR));
        torchScript = ModelLoader.load(ModelSpec.file(Golden.weights("vgg16-w8.torchscript.pt"), Golden.WIDTH_DIVISOR));
    }

    @AfterAll
    static void close() {
        keras.close();
        torchScript.close();
    }

    @Test
    void formatsAndPreprocessingAreToldFromTheFiles() {
        assertThat(keras.info().weightsSource()).isEqualTo(WeightsSource.KERAS_H5);
        assertThat(keras.info().preprocessing()).isEqualTo(Preprocessing.CAFFE);
        assertThat(torchScript.info().weightsSource()).isEqualTo(WeightsSource.TORCHSCRIPT);
        assertThat(torchScript.info().preprocessing()).isEqualTo(Preprocessing.TORCH);
        assertThat(keras.info().weightsDigest()).startsWith("sha256:");
        assertThat(keras.info().dimension()).isEqualTo(Golden.DIMENSION);
    }

    @Test
    void referenceInputsGiveReferenceVectorsFromBothWeightFormats() {
        int compared = 0;
        for (String image : Golden.IMAGES) {
            for (String mode : Golden.MODES) {
                if (!Golden.hasTensor(image, mode)) {
                    continue;
                }
                PixelBatch batch = new PixelBatch(List.of(Golden.tensor(image, mode)), 224);
                float[] expected = Golden.vector(image, mode);
                for (FeatureExtractor model : List.of(keras, torchScript)) {
                    float[] ours = model.extract(batch)[0];
                    assertClose(image + " " + mode + " " + model.info().weightsSource(), ours, expected);
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(40);
    }

    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void imageFilesGiveReferenceVectorsEndToEndInABatch(JpegBackend backend) throws Exception {
        for (String mode : Golden.MODES) {
            Preprocessing preprocessing = Preprocessing.fromKey(mode);
            var decoder = NativeDecoders.spec(backend).decoderFor(preprocessing, 224);
            List<float[]> inputs = new ArrayList<>();
            for (String image : Golden.IMAGES) {
                inputs.add(decoder.decode(Files.readAllBytes(Golden.image(image))));
            }
            FeatureExtractor model = preprocessing == Preprocessing.CAFFE ? keras : torchScript;
            float[][] vectors = model.extract(new PixelBatch(inputs, 224));
            for (int i = 0; i < Golden.IMAGES.size(); i++) {
                assertClose(
                        Golden.IMAGES.get(i) + " " + mode + " " + backend.key(),
                        vectors[i],
                        Golden.vector(Golden.IMAGES.get(i), mode));
            }
        }
    }

    @Test
    void wrongFilesFailAtLoadNamingTheFileAndTheProblem(@TempDir Path dir) throws Exception {
        Path h5 = Golden.weights("vgg16-w8-notop.h5");
        ModelLoadException wrongWidth =
                catchThrowableOfType(ModelLoadException.class, () -> ModelLoader.load(ModelSpec.file(h5, 4)));
        assertThat(wrongWidth.getMessage()).contains(h5.toString(), "block1_conv1", "shape", "width-divisor");

        ModelLoadException wrongMode = catchThrowableOfType(
                ModelLoadException.class,
                () -> ModelLoader.load(
                        ModelSpec.file(h5, Golden.WIDTH_DIVISOR).withPreprocessing(Preprocessing.TORCH)));
        assertThat(wrongMode.getMessage()).contains(h5.toString(), "caffe");

        Path truncated = dir.resolve("truncated.h5");
        byte[] bytes = Files.readAllBytes(h5);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        ModelLoadException cut = catchThrowableOfType(
                ModelLoadException.class, () -> ModelLoader.load(ModelSpec.file(truncated, Golden.WIDTH_DIVISOR)));
        assertThat(cut.getMessage()).contains(truncated.toString());

        Path script = Golden.weights("vgg16-w8.torchscript.pt");
        Path cutScript = dir.resolve("truncated.pt");
        byte[] scriptBytes = Files.readAllBytes(script);
        Files.write(cutScript, Arrays.copyOf(scriptBytes, scriptBytes.length / 2));
        ModelLoadException cutPt = catchThrowableOfType(
                ModelLoadException.class, () -> ModelLoader.load(ModelSpec.file(cutScript, Golden.WIDTH_DIVISOR)));
        assertThat(cutPt.getMessage()).contains(cutScript.toString());

        ModelLoadException dimension =
                catchThrowableOfType(ModelLoadException.class, () -> ModelLoader.load(ModelSpec.file(script, 1)));
        assertThat(dimension.getMessage()).contains(script.toString(), "64");

        Path text = Files.writeString(dir.resolve("notes.txt"), "not weights");
        ModelLoadException unknown = catchThrowableOfType(
                ModelLoadException.class,
                () -> ModelLoader.load(new ModelSpec(
                        Optional.of(text),
                        Optional.empty(),
                        0,
                        1,
                        Optional.empty(),
                        "cpu",
                        Precision.FP32,
                        ModelSpec.INPUT_SIZE)));
        assertThat(unknown.getMessage()).contains(text.toString(), "neither");
    }

    @Test
    void kerasWeightsConvertedToParamsGiveTheSameVectors(@TempDir Path dir) {
        Path params = dir.resolve("vgg16-w8.params");
        int code = TestAccess.execute(
                "export-params",
                "--weights",
                Golden.weights("vgg16-w8-notop.h5").toString(),
                "--width-divisor",
                "8",
                "--out",
                params.toString());
        assertThat(code).isZero();
        try (FeatureExtractor converted = ModelLoader.load(ModelSpec.file(params, Golden.WIDTH_DIVISOR))) {
            assertThat(converted.info().weightsSource()).isEqualTo(WeightsSource.DJL_PARAMS);
            PixelBatch batch = new PixelBatch(List.of(Golden.tensor("gray-l.png", "caffe")), 224);
            assertThat(converted.extract(batch)[0]).containsExactly(keras.extract(batch)[0]);
        }
    }

    private static void assertClose(String what, float[] ours, float[] expected) {
        double diff = Golden.maxAbsDiff(ours, expected);
        double scale = Math.max(1.0, Golden.maxAbs(expected));
        System.out.printf("golden vector %-40s max |diff| = %.3g (max |v| %.3g)%n", what, diff, scale);
        assertThat(diff).as(what).isLessThanOrEqualTo(RELATIVE_TOLERANCE * scale);
    }
}
