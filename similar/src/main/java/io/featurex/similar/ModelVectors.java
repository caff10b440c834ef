package io.featurex.similar;

import io.featurex.worker.BadInputException;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.CpuFeatures;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.infer.Precision;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Benchmark vectors from the model itself: the seeded VGG16 (full width, 512-d, the weights a
 * worker without a weights file runs) over {@link RenderedImages}, decoded as a worker decodes.
 * Indexed vector i is variant {@code i % FAMILY} of scene {@code i / FAMILY}: every scene has
 * {@value #FAMILY} photos in the index. A query is a variant never indexed of a scene that is in
 * every size measured, so its true nearest are its scene's photos first, then look-alikes.
 *
 * <p>Computing them takes the model's time, so they are written once to {@code --benchmark-dir}
 * and read from there after. On two CPU cores with AVX-512 BF16, about 8 minutes for ten thousand
 * at 224 px; on two AVX2 cores in float32, 3 images/s at 224 px, 35 at 64, 66-110 at 32 (where
 * the network's fixed costs, not its arithmetic, set the pace). Drawing and decoding take a few
 * percent of it: on the AVX2 cores, drawing the next batch on another thread while the model ran,
 * with batches of 32, gave 105 images/s at 32 px against 101-110 as here.
 */
final class ModelVectors {

    static final int FAMILY = 4;
    static final int DIMENSION = 512;
    private static final int SEED = 42;
    private static final int BATCH = 8;

    /** @param queryScenes the scene each query is a photo of */
    record Set(float[][] indexed, float[][] queries, int[] queryScenes) {}

    private ModelVectors() {}

    /**
     * @param sceneLimit the scenes every measured size holds: queries are of these
     * @param side       the network's input side; the scenes are rendered at {@code side * 8 / 7}
     *     (256 for 224), so the decoder resizes them as it would photos
     */
    static Set of(Path dir, int count, int queries, int sceneLimit, int side, PrintStream out) throws IOException {
        String name = String.format(Locale.ROOT, "seeded-vgg16-s%d-n%d-q%d-of%d", SEED, count, queries, sceneLimit);
        // 224 keeps the name files made before the side could be chosen were written under.
        Path file = dir.resolve(name + (side == ModelSpec.INPUT_SIZE ? "" : "-px" + side) + ".f32");
        SplittableRandom askedScenes = new SplittableRandom(SEED + 1);
        int[] queryScenes = new int[queries];
        for (int j = 0; j < queries; j++) {
            queryScenes[j] = askedScenes.nextInt(sceneLimit);
        }
        long bytes = (long) (count + queries) * DIMENSION * Float.BYTES;
        if (!Files.exists(file) || Files.size(file) != bytes) {
            compute(file, count, queryScenes, side, out);
        } else {
            out.printf(Locale.ROOT, "model vectors read from %s%n", file);
        }
        float[][] all = read(file, count + queries);
        float[][] indexed = new float[count][];
        float[][] asked = new float[queries][];
        System.arraycopy(all, 0, indexed, 0, count);
        System.arraycopy(all, count, asked, 0, queries);
        return new Set(indexed, asked, queryScenes);
    }

    private static void compute(Path file, int count, int[] queryScenes, int side, PrintStream out) throws IOException {
        RenderedImages images = new RenderedImages(SEED, side * RenderedImages.SIZE / ModelSpec.INPUT_SIZE);
        int queries = queryScenes.length;
        // bf16 where the CPU has it in hardware: twice float32's speed, and its vectors pass the worker's
        // agreement check. Emulated bf16 is far slower than float32.
        Precision precision = CpuFeatures.nativeBf16() ? Precision.BF16 : Precision.FP32;
        ModelSpec spec = ModelSpec.seeded(SEED, 1, Preprocessing.CAFFE)
                .withPrecision(precision)
                .withInputSize(side);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        long t0 = System.nanoTime();
        try (FeatureExtractor model = ModelLoader.load(spec);
                FileChannel channel = FileChannel.open(
                        partial,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            ImageDecoder decoder = DecodeSpec.defaults(Long.MAX_VALUE)
                    .decoderFor(model.info().preprocessing(), model.info().inputSize());
            out.printf(
                    Locale.ROOT,
                    "model vectors: %,d images through %s (written to %s)%n",
                    count + queries,
                    model.info().summary(),
                    file);
            int total = count + queries;
            List<float[]> pixels = new ArrayList<>(BATCH);
            for (int i = 0; i < total; i++) {
                byte[] jpeg = i < count
                        ? images.jpeg(i / FAMILY, i % FAMILY)
                        : images.jpeg(queryScenes[i - count], FAMILY + (i - count));
                try {
                    pixels.add(decoder.decode(jpeg));
                } catch (BadInputException e) {
                    throw new IllegalStateException("a rendered image did not decode: " + e.getMessage(), e);
                }
                if (pixels.size() == BATCH || i == total - 1) {
                    write(
                            channel,
                            model.extract(new PixelBatch(pixels, model.info().inputSize())));
                    pixels.clear();
                }
                if ((i + 1) % 1000 == 0) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    out.printf(Locale.ROOT, "  %,d of %,d (%.1f images/s)%n", i + 1, total, (i + 1) / s);
                    out.flush();
                }
            }
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out.printf(Locale.ROOT, "model vectors made in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void write(FileChannel channel, float[][] vectors) throws IOException {
        ByteBuffer buffer =
                ByteBuffer.allocate(vectors.length * DIMENSION * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : vectors) {
            if (v.length != DIMENSION) {
                throw new IllegalStateException("the model gave " + v.length + "-d vectors, not " + DIMENSION);
            }
            buffer.asFloatBuffer().put(v);
            buffer.position(buffer.position() + DIMENSION * Float.BYTES);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static float[][] read(Path file, int rows) throws IOException {
        float[][] vectors = new float[rows][DIMENSION];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(DIMENSION * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] v : vectors) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) < 0) {
                        throw new IOException(file + " ends early");
                    }
                }
                buffer.flip();
                buffer.asFloatBuffer().get(v);
            }
        }
        return vectors;
    }
}
