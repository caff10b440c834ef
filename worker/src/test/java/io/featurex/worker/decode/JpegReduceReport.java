package io.featurex.worker.decode;

import io.featurex.worker.BadInputException;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.infer.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * By hand, not a test (timings on a shared machine are not assertions): decode + resize time of
 * JPEGs with and without {@code decode.jpeg-reduce}, for each JPEG decoder (libjpeg-turbo's DCT
 * scaling, ImageIO's subsampling + box), and what the reduction changes, per preprocessing mode:
 * the absolute difference of the network inputs in 0-255 pixel levels, and the cosine between
 * the seeded full-width VGG16's vectors of both. Run from the repository root after
 * {@code mvn -B -o -q -DskipTests package} and {@code mvn -B -o -q -pl worker -am test-compile}:
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
        List<JpegBackend> backends = new ArrayList<>(List.of(JpegBackend.values()));
        if (DecodeSpec.turboMissing() != null) {
            System.out.println("libjpeg-turbo missing (" + DecodeSpec.turboMissing() + "): ImageIO only");
            backends.remove(JpegBackend.TURBO);
        }
        for (Preprocessing mode : Preprocessing.values()) {
            try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 1, mode))) {
                for (JpegBackend backend : backends) {
                    report(mode, backend, model, args);
                }
            }
        }
    }

    private static void report(Preprocessing mode, JpegBackend backend, FeatureExtractor model, String[] files)
            throws Exception {
        ImageDecoder exact = decoder(mode, backend, false);
        ImageDecoder reduced = decoder(mode, backend, true);
        List<float[]> exactInputs = new ArrayList<>();
        List<float[]> reducedInputs = new ArrayList<>();
        double exactSum = 0;
        double reducedSum = 0;
        for (String file : files) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            double exactMs = medianMs(exact, bytes);
            double reducedMs = medianMs(reduced, bytes);
            exactSum += exactMs;
            reducedSum += reducedMs;
            float[] a = exact.decode(bytes);
            float[] b = reduced.decode(bytes);
            exactInputs.add(a);
            reducedInputs.add(b);
            JpegReductionTest.Difference d = JpegReductionTest.difference(a, b, mode);
            ImageDecoder.Rgb small = reduced.readRgb(bytes);
            System.out.printf(
                    Locale.ROOT,
                    "%s %s %s: decoded at %dx%d; decode+resize exact %.1f ms, reduced %.1f ms (%.2fx; median of %d after %d "
                            + "warm-ups); |input difference| max %.1f, mean %.2f pixel levels%n",
                    mode.key(),
                    backend.key(),
                    Path.of(file).getFileName(),
                    small.width(),
                    small.height(),
                    exactMs,
                    reducedMs,
                    exactMs / reducedMs,
                    TIMED,
                    WARMUPS,
                    d.max(),
                    d.mean());
        }
        float[][] va = model.extract(new PixelBatch(exactInputs, SIZE));
        float[][] vb = model.extract(new PixelBatch(reducedInputs, SIZE));
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "%s %s: reduced %.2fx the exact path's speed over the set; "
                        + "cosine exact vs reduced, seeded VGG16 (seed 42, full width):",
                mode.key(),
                backend.key(),
                exactSum / reducedSum));
        double min = 1;
        for (int i = 0; i < va.length; i++) {
            double c = Vectors.cosine(va[i], vb[i]);
            min = Math.min(min, c);
            line.append(String.format(Locale.ROOT, " %.6f", c));
        }
        System.out.println(line.append(String.format(Locale.ROOT, " (min %.6f)", min)));
    }

    private static ImageDecoder decoder(Preprocessing mode, JpegBackend backend, boolean reduce) {
        return new DecodeSpec(Optional.empty(), Optional.empty(), false, Long.MAX_VALUE, reduce, Optional.of(backend))
                .decoderFor(mode, SIZE);
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
