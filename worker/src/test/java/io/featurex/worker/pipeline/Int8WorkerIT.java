package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.FeatureVector;
import io.featurex.v1.ImageRef;
import io.featurex.v1.ModelIdentity;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.Int8OnThisCpu;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.testing.WorkerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * model.precision=int8 from configuration to the output topic, on a real broker: the INT8 file
 * made by tools/int8/quantize_vgg16.py from the golden width/8 weights, against the float32 file
 * it was made from, on the golden images.
 */
class Int8WorkerIT {

    private static final Path IMAGES =
            Path.of("src/test/resources/golden/images").toAbsolutePath();
    private static final String CALIBRATION = "sha256:a826c873426cb86037f4d2a1af6063bf74cc248971a6528b9a02d78726a7dda1";

    private static Map<String, String> settings(String weights, String precision) {
        Map<String, String> settings = new HashMap<>();
        settings.put("fetch.file-roots", IMAGES.toString());
        settings.put("model.weights", Path.of(weights).toAbsolutePath().toString());
        settings.put("model.width-divisor", "8");
        settings.put("model.precision", precision);
        settings.put("batch.max-size", "4");
        settings.put("bootstrap.servers", "unused:9092"); // the harness puts the test broker's
        return settings;
    }

    private static Map<String, FeatureVector> run(Map<String, String> settings, List<ImageRef> refs) throws Exception {
        try (FeatureExtractor model =
                        ModelLoader.load(WorkerConfig.from(settings).model());
                WorkerHarness worker = new WorkerHarness(model, 2, settings).start()) {
            worker.send(refs.stream().map(ImageRef::toByteArray).toList());
            worker.awaitOutputs(refs.size());
            assertThat(worker.deadLetterById).isEmpty();
            return Map.copyOf(worker.features);
        }
    }

    @Test
    void int8VectorsAreLabelledWithTheirCalibrationAndCloseToFp32() throws Exception {
        List<ImageRef> refs;
        try (var files = Files.list(IMAGES)) {
            refs = files.sorted()
                    .map(f -> ImageRef.newBuilder()
                            .setId(f.getFileName().toString())
                            .setUri(f.toUri().toString())
                            .build())
                    .toList();
        }
        Map<String, String> int8Settings = settings("src/test/resources/int8/vgg16-w8-int8.torchscript.pt", "int8");
        Optional<FeatureExtractor> runs =
                Int8OnThisCpu.load(WorkerConfig.from(int8Settings).model(), "Int8WorkerIT");
        if (runs.isEmpty()) {
            return; // refused by the probe check on a CPU without VNNI: asserted and printed by Int8OnThisCpu
        }
        runs.get().close();
        Map<String, FeatureVector> int8 = run(int8Settings, refs);
        Map<String, FeatureVector> fp32 =
                run(settings("src/test/resources/golden/weights/vgg16-w8.torchscript.pt", "fp32"), refs);

        assertThat(int8.keySet()).containsExactlyInAnyOrderElementsOf(fp32.keySet());
        for (ImageRef ref : refs) {
            ModelIdentity m = int8.get(ref.getId()).getModel();
            assertThat(m.getPrecision()).isEqualTo(ModelIdentity.Precision.INT8);
            assertThat(m.getCalibrationDigest()).isEqualTo(CALIBRATION);
            assertThat(m.getPreprocessing()).isEqualTo(ModelIdentity.Preprocessing.TORCH);
            ModelIdentity f = fp32.get(ref.getId()).getModel();
            assertThat(f.getPrecision()).isEqualTo(ModelIdentity.Precision.FP32);
            assertThat(f.getCalibrationDigest()).isEmpty();
            assertThat(m).isNotEqualTo(f);
            assertThat(cosine(int8.get(ref.getId()), fp32.get(ref.getId())))
                    .as(ref.getId())
                    .isGreaterThan(0.999);
        }
    }

    private static double cosine(FeatureVector a, FeatureVector b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.getValuesCount(); i++) {
            dot += (double) a.getValues(i) * b.getValues(i);
            na += (double) a.getValues(i) * a.getValues(i);
            nb += (double) b.getValues(i) * b.getValues(i);
        }
        return dot / Math.sqrt(na * nb);
    }
}
