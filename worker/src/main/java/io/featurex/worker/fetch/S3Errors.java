package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;

/** What an S3 error response, after the SDK's retries, means for the image that asked for it. */
final class S3Errors {

    private S3Errors() {}

    /**
     * @param status     HTTP status of the last attempt
     * @param s3Code     the S3 error code ({@code NoSuchKey}, {@code SlowDown}, ...); null when the body had none
     * @param throttling whether the SDK classed the response as throttling
     */
    static ErrorCode code(int status, String s3Code, boolean throttling) {
        // S3 answers 503 (SlowDown, or ServiceUnavailable: "reduce your request rate") when it
        // wants fewer requests; some compatible stores answer 429.
        if (throttling || "SlowDown".equals(s3Code) || status == 503 || status == 429) {
            return ErrorCode.THROTTLED;
        }
        if (status == 404
                || "NoSuchKey".equals(s3Code)
                || "NoSuchBucket".equals(s3Code)
                || "NoSuchVersion".equals(s3Code)) {
            return ErrorCode.OBJECT_NOT_FOUND;
        }
        if (status == 403) {
            return ErrorCode.ACCESS_DENIED;
        }
        if (status == 412) {
            return ErrorCode.OBJECT_CHANGED;
        }
        if (status >= 500) {
            return ErrorCode.HTTP_SERVER_ERROR;
        }
        if (status >= 400) {
            return ErrorCode.HTTP_CLIENT_ERROR;
        }
        return ErrorCode.FETCH_FAILED;
    }
}
