package io.featurex.worker;

import io.featurex.v1.ErrorCode;

/**
 * An input the worker cannot turn into a feature vector, through the input's own fault. It
 * becomes a dead letter with this code and message; it never stops the worker.
 */
public final class BadInputException extends Exception {

    private final ErrorCode code;

    public BadInputException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public BadInputException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
