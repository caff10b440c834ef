package io.featurex.worker.infer;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.decode.Preprocessing;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/int8/quantize_vgg16.py as the README runs it, and its file in the worker. Needs Debian's
 * python3-torch (.ci/run installs it, and fails if this test skipped): elsewhere, without it, the
 * test is skipped, saying so.
 */
class QuantizeToolTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path TOOL = Path.of("../tools/int8/quantize_vgg16.py");

    @Test
    void aFileQuantizedOnAFolderLoadsWithItsPreprocessingAndTheFoldersDigest(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(torchAvailable(), () -> {
            String why = "QuantizeToolTest skipped: " + PYTHON + " cannot import torch and torchvision "
                    + "(apt-get install python3-torch python3-torchvision)";
            System.out.println(why);
            return why;
        });
        Path calibration = Files.createDirectories(dir.resolve("calibration/nested"));
        List<String> names = List.of("rgb-landscape.jpg", "rgb-portrait.png", "gray.jpg");
        for (String name : names) {
            Files.copy(Path.of("src/test/resources/golden/images", name), calibration.resolve(name));
        }
        Path out = dir.resolve("int8.pt");
        Process p = new ProcessBuilder(
                        PYTHON.toString(),
                        TOOL.toString(),
                        "--seed",
                        "3",
                        "--width-divisor",
                        "8",
                        "--calibration",
                        dir.resolve("calibration").toString(),
                        "--preprocessing",
                        "caffe",
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("tool.log").toFile())
                .start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("tool.log"))).isZero();

        try (FeatureExtractor model = ModelLoader.load(ModelSpec.file(out, 8).withPrecision(Precision.INT8))) {
            assertThat(model.info().precision()).isEqualTo(Precision.INT8);
            assertThat(model.info().preprocessing()).isEqualTo(Preprocessing.CAFFE);
            assertThat(model.info().calibrationDigest())
                    .isEqualTo(digest(calibration.toFile().listFiles()));
        }
    }

    /** The digest as documented: sha256 over the sorted sha256 hex of each file, one per line. */
    private static String digest(File[] files) throws Exception {
        List<String> lines = new ArrayList<>();
        for (File f : files) {
            lines.add(HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f.toPath()))));
        }
        lines.sort(null);
        StringBuilder all = new StringBuilder();
        lines.forEach(l -> all.append(l).append('\n'));
        return "sha256:"
                + HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(all.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    private static boolean torchAvailable() {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
