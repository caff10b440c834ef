package io.featurex.similar;

import io.featurex.v1.ModelIdentity;
import io.featurex.worker.BadInputException;
import io.featurex.worker.batch.PixelBatch;
import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelInfo;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import java.util.List;
import java.util.function.Supplier;

/**
 * Image bytes to a query vector, decoded and extracted exactly as a worker with the same
 * settings would. The model is loaded on the first image query, not before: an index queried by
 * id only never pays for it (VGG16's weights are half a gigabyte).
 */
public final class ImageQueries implements AutoCloseable {

    /** A query vector and the identity of the model that computed it. */
    public record Query(float[] vector, ModelIdentity model) {}

    private final Supplier<FeatureExtractor> loader;
    private final DecodeSpec decode;
    private FeatureExtractor extractor;
    private ImageDecoder decoder;

    public ImageQueries(ModelSpec spec, DecodeSpec decode) {
        this(() -> ModelLoader.load(spec), decode);
    }

    /** With a model already loaded (tests); it is closed with this object. */
    public ImageQueries(FeatureExtractor extractor, DecodeSpec decode) {
        this(() -> extractor, decode);
    }

    private ImageQueries(Supplier<FeatureExtractor> loader, DecodeSpec decode) {
        this.loader = loader;
        this.decode = decode;
    }

    /**
     * One image at a time: the extractor is not thread-safe, and a second copy of the model
     * would double its memory.
     *
     * @throws BadInputException when the bytes are not an image the worker would decode
     */
    public synchronized Query vectorOf(byte[] image) throws BadInputException {
        loaded();
        float[] pixels = decoder.decode(image);
        float[] vector = extractor
                .extract(new PixelBatch(List.of(pixels), extractor.info().inputSize()))[0];
        return new Query(
                vector,
                Models.identityOf(
                        extractor.info(), decode.identity(extractor.info().preprocessing())));
    }

    /** The identity of the loaded model, loading it if need be. */
    public synchronized ModelIdentity model() {
        return Models.identityOf(
                loaded().info(), decode.identity(loaded().info().preprocessing()));
    }

    private FeatureExtractor loaded() {
        if (extractor == null) {
            extractor = loader.get();
            ModelInfo info = extractor.info();
            decoder = decode.decoderFor(info.preprocessing(), info.inputSize());
        }
        return extractor;
    }

    @Override
    public synchronized void close() {
        if (extractor != null) {
            extractor.close();
            extractor = null;
        }
    }
}
