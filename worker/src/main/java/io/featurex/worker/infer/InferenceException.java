package io.featurex.worker.infer;

/**
 * The model or the device failed. This is never the input's fault, so it is never turned into a
 * dead letter: the worker stops consuming and reports unhealthy instead.
 */
public final class InferenceException extends RuntimeException {

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    public InferenceException(String message) {
        super(message);
    }
}
