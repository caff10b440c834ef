package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** DJL's own {@code .params} file: read into a freshly built network, and written from a loaded one. */
final class DjlParamsWeights {

    private DjlParamsWeights() {}

    static Model load(ModelSpec spec, Device device, String architecture) {
        Path file = spec.weights().orElseThrow();
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("weights file " + file + " does not exist or is not a regular file");
        }
        requireHeader(file);
        Model model = Model.newInstance(architecture, device, ModelLoader.ENGINE);
        model.setBlock(Vgg16.build(spec.widthDivisor()));
        try (InputStream in = Files.newInputStream(file)) {
            model.load(in);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelLoadException(
                    "weights file " + file + " is not DJL .params for " + architecture + ": " + e.getMessage(), e);
        }
    }

    /** DJL saves into a directory under a name of its choosing, so it saves next to {@code file} and the result is moved. */
    static void write(Model model, Path file) throws IOException {
        Path dir = Files.createTempDirectory(file.toAbsolutePath().getParent(), ".featurex-params-");
        try {
            model.save(dir, "weights");
            try (var written = Files.list(dir)) {
                Path params = written.filter(p -> p.toString().endsWith(".params"))
                        .findFirst()
                        .orElseThrow(() -> new IOException("DJL wrote no .params file"));
                Files.move(params, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try (var leftovers = Files.list(dir)) {
                for (Path p : leftovers.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** DJL accepts some non-model streams silently; its files start with "DJL@", so check that first. */
    private static void requireHeader(Path file) {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) != 4 || !new String(magic, StandardCharsets.US_ASCII).equals("DJL@")) {
                throw new ModelLoadException(
                        "weights file " + file + " is not a DJL .params file (it does not start with DJL@)");
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
    }
}
