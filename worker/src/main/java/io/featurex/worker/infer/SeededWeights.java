package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Random weights from a seed, for demos, load tests and golden data: no file to ship. */
final class SeededWeights {

    private SeededWeights() {}

    /**
     * Seeded weights are always drawn on the CPU, so that a seed means the same weights on every
     * device, then copied to the target device.
     */
    static Model load(ModelSpec spec, Device device, String architecture) {
        Model cpu = Model.newInstance(architecture, Device.cpu(), ModelLoader.ENGINE);
        Block block = Vgg16.build(spec.widthDivisor());
        cpu.setBlock(block);
        Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(spec.seed());
        // He initialisation (as torchvision's VGG): activations neither vanish nor explode
        // through 13 ReLU layers, so random features still separate different images.
        block.setInitializer(
                new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2f),
                Parameter.Type.WEIGHT);
        block.initialize(
                cpu.getNDManager(), DataType.FLOAT32, new Shape(1, 3, ModelSpec.INPUT_SIZE, ModelSpec.INPUT_SIZE));
        if (device.equals(Device.cpu())) {
            return cpu;
        }
        try (cpu) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));
            Model target = Model.newInstance(architecture, device, ModelLoader.ENGINE);
            Block onDevice = Vgg16.build(spec.widthDivisor());
            target.setBlock(onDevice);
            onDevice.loadParameters(
                    target.getNDManager(), new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            return target;
        } catch (IOException | MalformedModelException e) {
            throw new ModelLoadException("cannot move seeded weights to " + device, e);
        }
    }
}
