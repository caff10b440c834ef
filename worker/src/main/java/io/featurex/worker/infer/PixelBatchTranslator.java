package io.featurex.worker.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import io.featurex.worker.batch.PixelBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Hands a whole pre-stacked batch to the network and splits its output into rows.
 *
 * <p>The batch is laid out NHWC, as decoders produce pixels, and handed over as an NCHW
 * <em>view</em> ({@code transpose(0, 3, 1, 2)}): libtorch then runs its channels-last
 * convolutions, 14-17% faster on the reference CPU with outputs within 2e-7. Every array made
 * here belongs to the predictor's per-call manager and is freed when the call returns.
 *
 * <p>A narrowed network (bf16, fp16) gets its input narrowed here and its output widened back,
 * so float32 goes in and comes out whatever the precision inside.
 */
final class PixelBatchTranslator implements NoBatchifyTranslator<PixelBatch, float[][]> {

    private final int dimension;
    private final PrecisionCast cast;
    /** Reused between calls: the stage is single-threaded and the tensor dies with each call. */
    private FloatBuffer staging = FloatBuffer.allocate(0);

    PixelBatchTranslator(int dimension, PrecisionCast cast) {
        this.dimension = dimension;
        this.cast = cast;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, PixelBatch batch) {
        int n = batch.count();
        int size = batch.size();
        int plane = size * size * 3;
        if (staging.capacity() < n * plane) {
            staging = ByteBuffer.allocateDirect(n * plane * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        staging.clear();
        for (float[] image : batch.images()) {
            staging.put(image);
        }
        staging.flip();
        NDArray nhwc = ctx.getNDManager().create(staging, new Shape(n, size, size, 3));
        return new NDList(cast.apply(nhwc.transpose(0, 3, 1, 2)));
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray out = list.singletonOrThrow();
        if (out.getDataType() != DataType.FLOAT32) {
            out = out.toType(DataType.FLOAT32, false);
        }
        long[] shape = out.getShape().getShape();
        if (shape.length != 2 || shape[1] != dimension) {
            throw new InferenceException(
                    "network returned shape " + out.getShape() + ", expected (N, " + dimension + ")");
        }
        float[] flat = out.toFloatArray();
        float[][] rows = new float[(int) shape[0]][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[dimension];
            System.arraycopy(flat, i * dimension, rows[i], 0, dimension);
        }
        return rows;
    }
}
