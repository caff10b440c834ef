package io.featurex.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's matrix-multiply speed through the same libtorch the model runs on (DJL's
 * {@code NDArray.matMul}, CPU): the ceiling the model's achieved GFLOP/s is compared with, and a
 * cheap probe of how much of the machine a shared host leaves us at a given moment.
 */
final class MatmulProbe {

    private MatmulProbe() {}

    /** GFLOP/s of n x n by n x n products in {@code type}, over at least {@code minSeconds}. */
    static double gflops(int n, DataType type, double minSeconds) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray a = manager.randomUniform(-1f, 1f, new Shape(n, n)).toType(type, false);
            NDArray b = manager.randomUniform(-1f, 1f, new Shape(n, n)).toType(type, false);
            a.matMul(b).close(); // warm-up: thread pool and kernels
            long start = System.nanoTime();
            int products = 0;
            double elapsed;
            do {
                a.matMul(b).close(); // eager on the CPU: done when it returns
                products++;
                elapsed = (System.nanoTime() - start) / 1e9;
            } while (products < 3 || elapsed < minSeconds);
            return products * Flops.matmulGflop(n) / elapsed;
        }
    }
}
