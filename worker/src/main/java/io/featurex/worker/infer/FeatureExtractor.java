package io.featurex.worker.infer;

import io.featurex.worker.batch.PixelBatch;

/** Images in, one feature vector per image out. Not thread-safe: one inference stage per device. */
public interface FeatureExtractor extends AutoCloseable {

    ModelInfo info();

    /**
     * @return one vector of {@link ModelInfo#dimension()} floats per image, in batch order
     * @throws InferenceException when the model or device fails: not the input's fault
     */
    float[][] extract(PixelBatch batch);

    @Override
    void close();
}
