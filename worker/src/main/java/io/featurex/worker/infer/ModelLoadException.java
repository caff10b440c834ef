package io.featurex.worker.infer;

/** The model could not be loaded: raised at start-up, never at the first image. */
public final class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelLoadException(String message) {
        super(message);
    }
}
