package io.featurex.worker.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.Preprocessing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What {@code tools/int8/quantize_vgg16.py} recorded in an INT8 TorchScript file ({@value #EXTRA_FILE}):
 * how it was calibrated, which preprocessing the calibration images went through, and probe images
 * with their float32 vectors, so that the worker can check the int8 network against float32
 * without the float32 weights.
 *
 * @param digest          "sha256:&lt;hex&gt;" over the calibration images' contents (names and order do not count)
 * @param images          how many images the activation ranges were observed on
 * @param qengine         the quantized engine it was calibrated for ("onednn", "x86", "fbgemm")
 * @param fullRange       activations use all 8 bits (onednn); false where calibrated with reduce_range (fbgemm, x86)
 * @param widthDivisor    the network's width divisor (1 for VGG16)
 * @param probeFp32       the float32 network's vectors of the probe images
 */
record Int8Calibration(
        String digest,
        int images,
        Preprocessing preprocessing,
        String qengine,
        boolean fullRange,
        int widthDivisor,
        PixelBatch probe,
        float[][] probeFp32) {

    /** The TorchScript extra file holding the record, as DJL's {@code extraFiles} option names it. */
    static final String EXTRA_FILE = "featurex.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param json the extra file's text; empty when the file has none (DJL gives "" for a missing one)
     * @return empty for a file without the record (a float TorchScript file)
     */
    static Optional<Int8Calibration> parse(String json, Path file) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(json);
            if (!"int8".equals(root.path("precision").asText())) {
                return Optional.empty();
            }
            Preprocessing mode = Preprocessing.fromKey(required(root, "preprocessing"));
            int size = ModelSpec.INPUT_SIZE;
            List<float[]> pixels = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            for (JsonNode probe : root.path("probes")) {
                byte[] rgb = Base64.getDecoder().decode(required(probe, "rgb"));
                if (rgb.length != size * size * 3) {
                    throw new IllegalArgumentException(
                            "a probe image has " + rgb.length + " bytes, not " + size + "x" + size + "x3");
                }
                int[] packed = new int[size * size];
                for (int i = 0; i < packed.length; i++) {
                    packed[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
                }
                pixels.add(mode.toTensor(packed));
                JsonNode fp32 = probe.path("fp32");
                float[] vector = new float[fp32.size()];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = (float) fp32.get(i).asDouble();
                }
                vectors.add(vector);
            }
            if (pixels.isEmpty()) {
                throw new IllegalArgumentException("no probe images");
            }
            String digest = required(root, "calibration_digest");
            if (!digest.startsWith("sha256:")) {
                throw new IllegalArgumentException("calibration_digest '" + digest + "' is not sha256:<hex>");
            }
            return Optional.of(new Int8Calibration(
                    digest,
                    root.path("calibration_images").asInt(),
                    mode,
                    required(root, "qengine"),
                    root.path("activations").asText().contains("reduce_range=False"),
                    root.path("width_divisor").asInt(1),
                    new PixelBatch(pixels, size),
                    vectors.toArray(new float[0][])));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException("weights file " + file + " has an unreadable " + EXTRA_FILE
                    + " (remake it with tools/int8/quantize_vgg16.py): " + e.getMessage());
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("no '" + field + "'");
        }
        return value.asText();
    }

    /** One line for logs and the model identity's summary. */
    String summary() {
        return digest + " (" + images + " images, " + qengine + (fullRange ? "" : ", reduce_range") + ")";
    }
}
