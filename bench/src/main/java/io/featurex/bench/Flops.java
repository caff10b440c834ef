package io.featurex.bench;

/**
 * Floating-point work, counted as 2 operations per multiply-add: VGG16's convolutions per image
 * and a square matrix product. Pooling and ReLU are left out (under 0.1% of the total).
 */
public final class Flops {

    /** Output channels of VGG16's convolutions, 0 standing for a 2x2 max-pool with stride 2. */
    private static final int[] LAYERS = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private Flops() {}

    /**
     * Multiply-adds of VGG16's 13 convolutions (3x3, padding 1) for one {@code size x size} RGB
     * image: 15,346,630,656 at full width and 224 px. A width divisor divides every layer's
     * channels except the 3 input channels, as {@code Vgg16.build} does.
     */
    public static long vgg16MultiplyAdds(int widthDivisor, int size) {
        if (widthDivisor < 1 || size < 32 || size % 32 != 0) {
            throw new IllegalArgumentException("width divisor " + widthDivisor + ", size " + size);
        }
        long total = 0;
        long side = size;
        long in = 3;
        for (int channels : LAYERS) {
            if (channels == 0) {
                side /= 2;
                continue;
            }
            long out = channels / widthDivisor;
            total += side * side * in * out * 9;
            in = out;
        }
        return total;
    }

    /** GFLOP of one image through VGG16: 30.69 at full width and 224 px. */
    public static double vgg16Gflop(int widthDivisor, int size) {
        return 2.0 * vgg16MultiplyAdds(widthDivisor, size) / 1e9;
    }

    /** GFLOP of an {@code n x n} by {@code n x n} matrix product. */
    public static double matmulGflop(int n) {
        return 2.0 * n * n * (double) n / 1e9;
    }

    /** Achieved GFLOP/s of a model running {@code imagesPerSecond} of {@code gflopPerImage} each. */
    public static double achieved(double imagesPerSecond, double gflopPerImage) {
        return imagesPerSecond * gflopPerImage;
    }
}
