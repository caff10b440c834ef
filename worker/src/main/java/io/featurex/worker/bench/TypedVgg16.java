package io.featurex.worker.bench;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.featurex.worker.infer.Vgg16;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Bench-only: featurex's VGG16 built from DJL blocks ({@link Vgg16#build}), the weights of a
 * TorchScript file copied in, parameters and input cast to one data type (bfloat16 to measure
 * what reduced precision would buy; float32 to prove the copy exact). Input handling follows the
 * worker's translator: NHWC floats handed over as an NCHW view (channels-last), cast before the
 * transpose so the layout survives.
 */
final class TypedVgg16 implements AutoCloseable {

    private static final String ENGINE = "PyTorch";

    private final Model model;
    private final DataType type;
    private final int size;
    private final int dimension;

    private TypedVgg16(Model model, DataType type, int size, int dimension) {
        this.model = model;
        this.type = type;
        this.size = size;
        this.dimension = dimension;
    }

    /** @param torchScript vgg16().features + global average pooling, traced (full width) */
    static TypedVgg16 fromTorchScript(Path torchScript, DataType type, int size) {
        List<NDArray> source = new ArrayList<>();
        Model traced = Model.newInstance("vgg16-torchscript", Device.cpu(), ENGINE);
        Model model = Model.newInstance("vgg16-" + type.name().toLowerCase(java.util.Locale.ROOT), Device.cpu(), ENGINE);
        try (traced) {
            traced.load(torchScript);
            for (Pair<String, Parameter> p : traced.getBlock().getParameters()) {
                source.add(p.getValue().getArray());
            }
            Block block = Vgg16.build(1);
            List<Parameter> target = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                target.add(p.getValue());
            }
            if (source.size() != target.size()) {
                throw new IllegalStateException(torchScript + " has " + source.size() + " parameters, VGG16 has " + target.size());
            }
            NDManager manager = model.getNDManager();
            for (int i = 0; i < source.size(); i++) {
                NDArray from = source.get(i);
                NDArray copy = manager.create(from.toFloatArray(), from.getShape());
                target.get(i).setArray(type == DataType.FLOAT32 ? copy : copy.toType(type, false));
            }
            block.initialize(manager, type, new Shape(1, 3, size, size));
            for (int i = 0; i < source.size(); i++) {
                target.get(i).getArray().setRequiresGradient(false); // inference only: no autograd records
                if (!target.get(i).getArray().getShape().equals(source.get(i).getShape())) {
                    throw new IllegalStateException("parameter " + i + " of " + torchScript + " has shape "
                            + source.get(i).getShape() + ", VGG16 expects " + target.get(i).getArray().getShape());
                }
            }
            model.setBlock(block);
            return new TypedVgg16(model, type, size, Vgg16.dimension(1));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalStateException("cannot build a " + type + " VGG16 from " + torchScript + ": " + e.getMessage(), e);
        }
    }

    DataType type() {
        return type;
    }

    /** One vector per image (each size*size*3 floats, HWC, preprocessed), as float32. */
    float[][] extract(List<float[]> images) {
        int n = images.size();
        int plane = size * size * 3;
        FloatBuffer staging = ByteBuffer.allocateDirect(n * plane * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (float[] image : images) {
            staging.put(image);
        }
        staging.flip();
        try (NDManager call = model.getNDManager().newSubManager()) {
            NDArray nhwc = call.create(staging, new Shape(n, size, size, 3));
            NDArray typed = type == DataType.FLOAT32 ? nhwc : nhwc.toType(type, false);
            NDList out = model.getBlock().forward(new ParameterStore(call, false), new NDList(typed.transpose(0, 3, 1, 2)), false);
            float[] flat = out.singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
            float[][] rows = new float[n][dimension];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * dimension, rows[i], 0, dimension);
            }
            return rows;
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
