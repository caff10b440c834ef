package io.featurex.worker.infer;

import io.featurex.worker.decode.Preprocessing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where the network's weights came from, and how to tell a weights file's kind from its first bytes. */
public enum WeightsSource {
    /** Seeded random weights: the architecture runs, but the vectors carry no ImageNet meaning. */
    RANDOM("random"),
    /** A DJL {@code .params} file, as written by featurex. */
    DJL_PARAMS("djl"),
    /** Keras' notop HDF5 weights ({@code vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5}). */
    KERAS_H5("keras-h5"),
    /** TorchScript traced from torchvision's {@code vgg16().features} + global average pooling. */
    TORCHSCRIPT("torchscript");

    private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP = {'P', 'K', 3, 4};
    private static final byte[] DJL = {'D', 'J', 'L', '@'};

    private final String key;

    WeightsSource(String key) {
        this.key = key;
    }

    /** Configuration spelling. */
    public String key() {
        return key;
    }

    /** The preprocessing these weights were trained with, where the format tells. */
    public Optional<Preprocessing> trainedWith() {
        return switch (this) {
            case KERAS_H5 -> Optional.of(Preprocessing.CAFFE);
            case TORCHSCRIPT -> Optional.of(Preprocessing.TORCH);
            default -> Optional.empty();
        };
    }

    public static WeightsSource fromKey(String key) {
        for (WeightsSource s : values()) {
            if (s.key.equals(key.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown weights format '" + key + "'");
    }

    /**
     * The kind of a weights file, from its signature: HDF5 (Keras), zip (TorchScript archives are
     * zip files) or DJL's own header.
     */
    public static WeightsSource detect(Path file) {
        byte[] head = new byte[8];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
        if (read == 8 && Arrays.equals(head, HDF5)) {
            return KERAS_H5;
        }
        if (read >= 4 && Arrays.equals(Arrays.copyOf(head, 4), ZIP)) {
            return TORCHSCRIPT;
        }
        if (read >= 4 && Arrays.equals(Arrays.copyOf(head, 4), DJL)) {
            return DJL_PARAMS;
        }
        throw new ModelLoadException("weights file " + file
                + " is neither Keras HDF5, TorchScript nor DJL .params (unrecognised first bytes)");
    }
}
