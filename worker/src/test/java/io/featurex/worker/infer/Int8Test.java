package io.featurex.worker.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.Preprocessing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * model.precision=int8 on the real engine, with the INT8 file made by tools/int8/quantize_vgg16.py
 * from the golden width/8 TorchScript weights, calibrated on the golden images (torch preprocessing).
 */
class Int8Test {

    static final Path INT8 = Path.of("src/test/resources/int8/vgg16-w8-int8.torchscript.pt");
    static final Path FP32 = Path.of("src/test/resources/golden/weights/vgg16-w8.torchscript.pt");
    /** tools/int8/quantize_vgg16.py's digest of src/test/resources/golden/images. */
    static final String CALIBRATION = "sha256:a826c873426cb86037f4d2a1af6063bf74cc248971a6528b9a02d78726a7dda1";

    private static final int WIDTH = 8;

    private static ModelSpec int8() {
        return ModelSpec.file(INT8, WIDTH).withPrecision(Precision.INT8);
    }

    @Test
    void anInt8FileRunsLabelledWithItsCalibrationAndStaysCloseToFp32() {
        PixelBatch batch = goldenTorchTensors();
        float[][] fp32;
        float[][] int8;
        try (FeatureExtractor model = ModelLoader.load(ModelSpec.file(FP32, WIDTH))) {
            fp32 = model.extract(batch);
        }
        Optional<FeatureExtractor> loaded = Int8OnThisCpu.load(int8(), "Int8Test");
        if (loaded.isEmpty()) {
            return; // refused by the probe check on a CPU without VNNI: asserted and printed by Int8OnThisCpu
        }
        try (FeatureExtractor model = loaded.get()) {
            ModelInfo info = model.info();
            assertThat(info.precision()).isEqualTo(Precision.INT8);
            assertThat(info.calibrationDigest()).isEqualTo(CALIBRATION);
            assertThat(info.preprocessing()).isEqualTo(Preprocessing.TORCH);
            assertThat(info.weightsDigest())
                    .startsWith("sha256:")
                    .isNotEqualTo(WeightsDigest.of(ModelSpec.file(FP32, WIDTH)));
            assertThat(info.summary()).contains("precision=int8", "calibration=" + CALIBRATION);
            int8 = model.extract(batch);
        }
        double[] cosines = PrecisionCheck.cosines(fp32, int8);
        for (double c : cosines) {
            assertThat(c).isGreaterThan(PrecisionCheck.MIN_COSINE).isLessThanOrEqualTo(1.0000001);
        }
        // It really ran in int8: 8-bit activations leave visible differences.
        float maxDiff = 0;
        for (int i = 0; i < fp32.length; i++) {
            for (int j = 0; j < fp32[i].length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(fp32[i][j] - int8[i][j]));
            }
        }
        assertThat(maxDiff).isGreaterThan(1e-5f);
    }

    @Test
    void anInt8FileIsNotRelabelledFp32() {
        ModelLoadException e =
                catchThrowableOfType(ModelLoadException.class, () -> ModelLoader.load(ModelSpec.file(INT8, WIDTH)));
        assertThat(e).hasMessageContaining("stores int8 weights but model.precision=fp32");
    }

    @Test
    void int8NeedsAFileQuantizedByTheTool() {
        assertThat(catchThrowableOfType(
                        ModelLoadException.class,
                        () -> ModelLoader.load(ModelSpec.file(FP32, WIDTH).withPrecision(Precision.INT8))))
                .hasMessageContaining("stores fp32 weights but model.precision=int8")
                .hasMessageContaining("tools/int8/quantize_vgg16.py");
        assertThat(catchThrowableOfType(
                        ModelLoadException.class,
                        () -> ModelLoader.load(
                                ModelSpec.seeded(42, WIDTH, Preprocessing.CAFFE).withPrecision(Precision.INT8))))
                .hasMessageContaining("model.precision=int8 needs an INT8 TorchScript file")
                .hasMessageContaining("seeded weights is random");
    }

    @Test
    void theCalibrationsPreprocessingIsTheOnlyOneAccepted() {
        assertThat(catchThrowableOfType(
                        ModelLoadException.class,
                        () -> ModelLoader.load(int8().withPreprocessing(Preprocessing.CAFFE))))
                .hasMessageContaining("calibrated on images with torch preprocessing")
                .hasMessageContaining("model.preprocessing=caffe");
    }

    @Test
    void theWidthMustBeTheFilesOwn() {
        ModelSpec spec = int8();
        ModelSpec wide = new ModelSpec(
                spec.weights(),
                spec.format(),
                0,
                4,
                spec.preprocessing(),
                spec.device(),
                Precision.INT8,
                ModelSpec.INPUT_SIZE);
        assertThat(catchThrowableOfType(ModelLoadException.class, () -> ModelLoader.load(wide)))
                .hasMessageContaining("width/8 but model.width-divisor=4");
    }

    @Test
    void aFloatFilesMissingRecordIsNoInt8() {
        assertThat(Int8Calibration.parse("", INT8)).isEmpty();
        assertThat(Int8Calibration.parse("{\"precision\":\"bf16\"}", INT8)).isEmpty();
        assertThat(catchThrowableOfType(
                        ModelLoadException.class,
                        () -> Int8Calibration.parse("{\"precision\":\"int8\",\"preprocessing\":\"torch\"}", INT8)))
                .hasMessageContaining("unreadable featurex.json")
                .hasMessageContaining("tools/int8/quantize_vgg16.py");
        assertThat(catchThrowableOfType(ModelLoadException.class, () -> Int8Calibration.parse("{not json", INT8)))
                .hasMessageContaining("unreadable featurex.json");
    }

    @Test
    void fullRangeActivationsNeedVnni() {
        Int8Calibration onednn =
                new Int8Calibration(CALIBRATION, 12, Preprocessing.TORCH, "onednn", true, 1, null, null);
        Int8Calibration x86 = new Int8Calibration(CALIBRATION, 12, Preprocessing.TORCH, "x86", false, 1, null, null);
        assertThat(Int8Engine.mismatch(onednn, Set.of("avx2", "avx512_vnni"))).isEmpty();
        assertThat(Int8Engine.mismatch(onednn, Set.of("avx2", "avx_vnni"))).isEmpty();
        assertThat(Int8Engine.mismatch(onednn, Set.of("avx2")))
                .get()
                .asString()
                .contains("no VNNI", "probe check decides", "keep fp32");
        assertThat(Int8Engine.mismatch(x86, Set.of("avx2"))).isEqualTo(Optional.empty());
        assertThat(Int8Engine.kernels(Set.of("avx2", "avx512_vnni"))).contains("oneDNN VNNI");
        assertThat(Int8Engine.kernels(Set.of("avx2"))).contains("fbgemm");
    }

    /** The golden images' torch-mode network inputs, as the golden data stores them (HWC, float32 LE, gzip). */
    static PixelBatch goldenTorchTensors() {
        List<float[]> images = new ArrayList<>();
        Path dir = Path.of("src/test/resources/golden/tensors");
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".torch.f32.gz"))
                    .sorted()
                    .toList()) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
                    float[] hwc = new float[bytes.remaining() / 4];
                    bytes.asFloatBuffer().get(hwc);
                    images.add(hwc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(images).hasSizeGreaterThan(4);
        return new PixelBatch(images, ModelSpec.INPUT_SIZE);
    }
}
