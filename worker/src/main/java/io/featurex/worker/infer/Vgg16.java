package io.featurex.worker.infer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;

/**
 * The VGG16 convolutional base (configuration "D": 13 conv 3x3 + ReLU, 5 max-pools) followed by
 * global average pooling: Keras' {@code VGG16(include_top=False, pooling='avg')}, one vector of
 * 512 floats per image.
 *
 * <p>A width divisor shrinks every layer's channel count by the same factor while keeping the
 * exact topology: the seeded, reduced-width network is small enough to commit golden data for
 * and cheap enough for load tests on two cores.
 */
public final class Vgg16 {

    /** Channels of each conv layer, 0 standing for a 2x2 max-pool with stride 2. */
    private static final int[] LAYERS = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    public static final int FULL_WIDTH_DIMENSION = 512;

    private Vgg16() {}

    /** Number of features the network emits for a given width divisor. */
    public static int dimension(int widthDivisor) {
        return FULL_WIDTH_DIMENSION / widthDivisor;
    }

    /** The architecture name written into every output's model identity. */
    public static String architecture(int widthDivisor) {
        return widthDivisor == 1 ? "vgg16-notop-avgpool" : "vgg16-width/" + widthDivisor + "-notop-avgpool";
    }

    /** Output channels of the 13 convolutions, in order. */
    static int[] convChannels(int widthDivisor) {
        return Arrays.stream(LAYERS)
                .filter(c -> c != 0)
                .map(c -> c / widthDivisor)
                .toArray();
    }

    /**
     * Builds the network. Input: NCHW float32 (N, 3, H, W); output: (N, 512 / widthDivisor).
     *
     * @param widthDivisor 1 for VGG16 proper; 2, 4, 8, ... for reduced-width copies
     */
    public static Block build(int widthDivisor) {
        if (widthDivisor < 1 || 64 % widthDivisor != 0) {
            throw new IllegalArgumentException("width divisor must divide 64, got " + widthDivisor);
        }
        SequentialBlock net = new InferenceSequence();
        for (int channels : LAYERS) {
            if (channels == 0) {
                net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            } else {
                net.add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(channels / widthDivisor)
                        .build());
                net.add(Activation.reluBlock());
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        return net;
    }

    /**
     * Marks a block whose weights were set by hand as initialised (its input shape known) without
     * touching those weights, so it runs and can be saved as .params.
     */
    static void markInitialized(Block block, NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, ModelSpec.INPUT_SIZE, ModelSpec.INPUT_SIZE));
    }
}
