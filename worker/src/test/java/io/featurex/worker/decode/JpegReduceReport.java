package io.featurex.worker.decode;

import io.featurex.worker.BadInputException;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.demo.Similarity;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * By hand, not a test (timings on a shared machine are not assertions): decode + resize time of
 * large JPEGs with and without {@code decode.jpeg-reduce}, and what the reduction changes, per
 * preprocessing mode: the absolute difference of the network inputs in 0-255 pixel levels, and
 * the cosine between the seeded full-width VGG16's vectors of both. Run from the repository root
 * after {@code mvn -B -o -q -DskipTests package}:
 *
 * <pre>
 * java -Dai.djl.offline=true -cp 'worker/target/test-classes:worker/target/classes:worker/target/lib/*' \
 *     io.featurex.worker.decode.JpegReduceReport PHOTO.jpg...
 * </pre>
 */
public final class JpegReduceReport {

    private static final int SIZE = ModelSpec.INPUT_SIZE;
    private static final int WARMUPS = 3;
    private static final int TIMED = 8;

    private JpegReduceReport() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: JpegReduceReport PHOTO.jpg...");
            System.exit(2);
        }
        for (Preprocessing mode : Preprocessing.values()) {
            ImageDecoder exact = decoder(mode, false);
            ImageDecoder reduced = decoder(mode, true);
            List<float[]> exactInputs = new ArrayList<>();
            List<float[]> reducedInputs = new ArrayList<>();
            for (String arg : args) {
                byte[] bytes = Files.readAllBytes(Path.of(arg));
                double exactMs = medianMs(exact, bytes);
                double reducedMs = medianMs(reduced, bytes);
                float[] a = exact.decode(bytes);
                float[] b = reduced.decode(bytes);
                exactInputs.add(a);
                reducedInputs.add(b);
                JpegReductionTest.Difference d = JpegReductionTest.difference(a, b, mode);
                System.out.printf(Locale.ROOT, "%s %s (%s): decode+resize exact %.1f ms, reduced %.1f ms (median of %d after %d warm-ups); "
                                + "|input difference| max %.1f, mean %.2f pixel levels%n",
                        mode.key(), Path.of(arg).getFileName(), plan(bytes, mode), exactMs, reducedMs, TIMED, WARMUPS, d.max(), d.mean());
            }
            try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 1, mode))) {
                float[][] va = model.extract(new PixelBatch(exactInputs, SIZE));
                float[][] vb = model.extract(new PixelBatch(reducedInputs, SIZE));
                StringBuilder line = new StringBuilder(mode.key() + ": cosine exact vs reduced, seeded VGG16 (seed 42, full width):");
                for (int i = 0; i < va.length; i++) {
                    line.append(String.format(Locale.ROOT, " %.6f", Similarity.cosine(va[i], vb[i])));
                }
                System.out.println(line);
            }
        }
    }

    private static ImageDecoder decoder(Preprocessing mode, boolean reduce) {
        return new ImageDecoder(mode, mode.defaultResize(), SIZE, Long.MAX_VALUE, false, reduce, null, null);
    }

    private static String plan(byte[] bytes, Preprocessing mode) throws IOException {
        var image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        JpegReduction r = JpegReduction.plan(image.getWidth(), image.getHeight(), mode.defaultResize().neededSide(SIZE));
        return image.getWidth() + "x" + image.getHeight() + ", subsample " + r.subsample() + " x box " + r.box();
    }

    private static double medianMs(ImageDecoder decoder, byte[] bytes) throws BadInputException {
        for (int i = 0; i < WARMUPS; i++) {
            decoder.decode(bytes);
        }
        double[] ms = new double[TIMED];
        for (int i = 0; i < TIMED; i++) {
            long start = System.nanoTime();
            decoder.decode(bytes);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return (ms[TIMED / 2 - 1] + ms[TIMED / 2]) / 2;
    }
}
