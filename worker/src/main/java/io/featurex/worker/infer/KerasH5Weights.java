package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.exceptions.HdfException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras' VGG16 weights file, read directly: {@code <layer>/<layer>/kernel:0} holds each conv
 * kernel as (3, 3, in, out) for channels-last convolution; PyTorch wants (out, in, 3, 3). The
 * same filters, re-laid: Keras "same" padding of a 3x3 kernel is PyTorch's padding 1, and its
 * 2x2 max-pools are PyTorch's, so the converted network computes what Keras computes.
 */
final class KerasH5Weights {

    /** Keras' layer names for the 13 convolutions, in network order. */
    static final List<String> CONV_LAYERS = List.of(
            "block1_conv1",
            "block1_conv2",
            "block2_conv1",
            "block2_conv2",
            "block3_conv1",
            "block3_conv2",
            "block3_conv3",
            "block4_conv1",
            "block4_conv2",
            "block4_conv3",
            "block5_conv1",
            "block5_conv2",
            "block5_conv3");

    /** One convolution's weights, already in PyTorch's layout. */
    record Conv(String layer, float[] kernel, Shape kernelShape, float[] bias) {}

    private KerasH5Weights() {}

    /** A network of the spec's width with the file's weights in it. */
    static Model load(ModelSpec spec, Device device, String architecture) {
        Path file = spec.weights().orElseThrow();
        List<Conv> convs = read(file, spec.widthDivisor());
        Model model = Model.newInstance(architecture, device, ModelLoader.ENGINE);
        try {
            Block block = Vgg16.build(spec.widthDivisor());
            apply(convs, block, model.getNDManager());
            Vgg16.markInitialized(block, model.getNDManager());
            model.setBlock(block);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw new ModelLoadException(
                    "weights file " + file + " could not be put into " + architecture + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks all 13 convolutions against the topology of the given width. */
    static List<Conv> read(Path file, int widthDivisor) {
        int[] channels = Vgg16.convChannels(widthDivisor);
        List<Conv> convs = new ArrayList<>();
        try (HdfFile hdf = new HdfFile(file)) {
            int in = 3;
            for (int i = 0; i < CONV_LAYERS.size(); i++) {
                String layer = CONV_LAYERS.get(i);
                int out = channels[i];
                float[] hwio = floats(hdf, file, layer, "kernel:0", new int[] {3, 3, in, out});
                float[] bias = floats(hdf, file, layer, "bias:0", new int[] {out});
                convs.add(new Conv(layer, hwioToOihw(hwio, in, out), new Shape(out, in, 3, 3), bias));
                in = out;
            }
        } catch (HdfException e) {
            throw new ModelLoadException(
                    "weights file " + file + " is not a readable Keras HDF5 file: " + e.getMessage(), e);
        }
        return convs;
    }

    /** Puts the weights into a freshly built (uninitialised) network, on the manager's device. */
    static void apply(List<Conv> convs, Block network, NDManager manager) {
        List<Parameter> weights = new ArrayList<>();
        List<Parameter> biases = new ArrayList<>();
        for (var entry : network.getParameters()) {
            Parameter p = entry.getValue();
            (p.getType() == Parameter.Type.WEIGHT ? weights : biases).add(p);
        }
        if (weights.size() != convs.size() || biases.size() != convs.size()) {
            throw new IllegalStateException(
                    "network has " + weights.size() + " conv layers, weights have " + convs.size());
        }
        for (int i = 0; i < convs.size(); i++) {
            Conv conv = convs.get(i);
            weights.get(i).setArray(manager.create(conv.kernel(), conv.kernelShape()));
            biases.get(i).setArray(manager.create(conv.bias(), new Shape(conv.bias().length)));
        }
    }

    private static float[] floats(HdfFile hdf, Path file, String layer, String name, int[] expected) {
        String path = layer + "/" + layer + "/" + name;
        Dataset dataset;
        try {
            dataset = hdf.getDatasetByPath(path);
        } catch (HdfException e) {
            throw new ModelLoadException(
                    "weights file " + file + " has no dataset " + path + " (is it Keras' VGG16 weights file?)", e);
        }
        if (!Arrays.equals(dataset.getDimensions(), expected)) {
            throw new ModelLoadException("weights file " + file + ": " + path + " has shape "
                    + Arrays.toString(dataset.getDimensions()) + ", expected " + Arrays.toString(expected)
                    + " (check model.width-divisor)");
        }
        Object data = dataset.getDataFlat();
        if (data instanceof float[] f) {
            return f;
        }
        if (data instanceof double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        throw new ModelLoadException(
                "weights file " + file + ": " + path + " holds " + dataset.getJavaType() + ", not floats");
    }

    /** (kh, kw, in, out) to (out, in, kh, kw). */
    static float[] hwioToOihw(float[] hwio, int in, int out) {
        float[] oihw = new float[hwio.length];
        for (int kh = 0; kh < 3; kh++) {
            for (int kw = 0; kw < 3; kw++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        oihw[((o * in + i) * 3 + kh) * 3 + kw] = hwio[((kh * 3 + kw) * in + i) * out + o];
                    }
                }
            }
        }
        return oihw;
    }
}
