package io.featurex.worker.infer;

import ai.djl.Device;
import io.featurex.worker.batch.PixelBatch;
import java.util.List;

/** One blank image through a freshly loaded network, so that a broken one fails start-up rather than the first batch. */
final class SelfTest {

    private SelfTest() {}

    /** The self-test, closing the extractor and naming the model when it fails. */
    static FeatureExtractor passed(FeatureExtractor extractor, String architecture, String weights, Device device) {
        try {
            run(extractor);
            return extractor;
        } catch (RuntimeException e) {
            extractor.close();
            throw new ModelLoadException(
                    architecture + " with " + weights + " failed its self-test on " + device + ": " + e.getMessage(),
                    e);
        }
    }

    /** Shape and finiteness, before any real input. */
    private static void run(FeatureExtractor extractor) {
        int size = extractor.info().inputSize();
        float[][] out = extractor.extract(new PixelBatch(List.of(new float[size * size * 3]), size));
        if (out.length != 1 || out[0].length != extractor.info().dimension()) {
            throw new ModelLoadException("self-test: network returned the wrong shape");
        }
        for (float v : out[0]) {
            if (!Float.isFinite(v)) {
                throw new ModelLoadException("self-test: network returned a non-finite value (" + v + ")");
            }
        }
    }
}
