package io.featurex.worker.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The golden data of src/test/resources/golden (made by tools/golden/make_golden.py with
 * torchvision, PIL and h5py): images, reference network inputs and reference vectors of a
 * seeded width/8 VGG16, in Keras HDF5 and TorchScript form.
 */
final class Golden {

    static final int WIDTH_DIVISOR = 8;
    static final int DIMENSION = 64;
    static final List<String> MODES = List.of("caffe", "torch");

    /** Every image, by stem. */
    static final List<String> IMAGES = List.of(
            "rgb-landscape.jpg",
            "rgb-portrait.png",
            "gray-l.png",
            "gray.jpg",
            "rgba-alpha.png",
            "palette-trns.png",
            "gray16.png",
            "la-alpha.png",
            "rgb-progressive.jpg",
            "tiny-100x60.png",
            "rgb-short256.png",
            "rgb-224.png");

    private Golden() {}

    static Path root() {
        return Path.of("src/test/resources/golden");
    }

    static Path image(String file) {
        return root().resolve("images").resolve(file);
    }

    static Path weights(String file) {
        return root().resolve("weights").resolve(file);
    }

    static String stem(String file) {
        return file.substring(0, file.lastIndexOf('.'));
    }

    static boolean hasTensor(String file, String mode) {
        return Files.exists(root().resolve("tensors").resolve(stem(file) + "." + mode + ".f32.gz"));
    }

    /** 224 x 224 x 3, HWC, in the network's channel order. */
    static float[] tensor(String file, String mode) {
        try (InputStream in = new GZIPInputStream(
                Files.newInputStream(root().resolve("tensors").resolve(stem(file) + "." + mode + ".f32.gz")))) {
            return floats(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] vector(String file, String mode) {
        try {
            return floats(Files.readAllBytes(root().resolve("vectors").resolve(stem(file) + "." + mode + ".f32")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
