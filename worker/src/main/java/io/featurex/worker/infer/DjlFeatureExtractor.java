package io.featurex.worker.infer;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.featurex.worker.batch.PixelBatch;

/** VGG16 on DJL's PyTorch engine: one predictor, used by one inference thread. */
final class DjlFeatureExtractor implements FeatureExtractor {

    private final Model model;
    private final Predictor<PixelBatch, float[][]> predictor;
    private final ModelInfo info;
    private final PrecisionCast cast;

    /** Takes ownership of the model and the cast: {@link #close()} closes both. */
    DjlFeatureExtractor(Model model, ModelInfo info, PrecisionCast cast) {
        this.model = model;
        this.info = info;
        this.cast = cast;
        this.predictor = model.newPredictor(new PixelBatchTranslator(info.dimension(), cast));
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public float[][] extract(PixelBatch batch) {
        if (batch.size() != info.inputSize()) {
            throw new IllegalArgumentException(
                    "batch of " + batch.size() + "px images, model takes " + info.inputSize());
        }
        if (batch.count() == 0) {
            return new float[0][];
        }
        try {
            return predictor.predict(batch);
        } catch (TranslateException | RuntimeException e) {
            throw new InferenceException(
                    "inference failed on a batch of " + batch.count() + " on " + info.device() + ": " + rootMessage(e),
                    e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
        cast.close();
    }
}
