package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * An object named by {@code s3://bucket/key[?versionId=v]}: the key is the URI's path, percent-
 * decoded, without its leading slash.
 */
record S3Location(String bucket, String key, String versionId) {

    static S3Location of(URI uri) throws BadInputException {
        String bucket = uri.getRawAuthority();
        String path = uri.getPath();
        if (bucket == null || bucket.isEmpty()) {
            throw new BadInputException(ErrorCode.INVALID_URI, "no bucket in " + uri + " (s3://bucket/key)");
        }
        if (path == null || path.length() <= 1) {
            throw new BadInputException(ErrorCode.INVALID_URI, "no object key in " + uri + " (s3://bucket/key)");
        }
        if (uri.getRawFragment() != null) {
            throw new BadInputException(
                    ErrorCode.INVALID_URI, "'#' in " + uri + ": percent-encode it (%23) when it is part of the key");
        }
        String versionId = null;
        if (uri.getRawQuery() != null) {
            for (String parameter : uri.getRawQuery().split("&")) {
                int eq = parameter.indexOf('=');
                String name = eq < 0 ? parameter : parameter.substring(0, eq);
                if (!name.equals("versionId") || eq < 0) {
                    throw new BadInputException(
                            ErrorCode.INVALID_URI,
                            "unknown parameter '" + name + "' in " + uri
                                    + " (only versionId=...; percent-encode '?' (%3F) when it is part of the key)");
                }
                versionId = URLDecoder.decode(parameter.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return new S3Location(bucket, path.substring(1), versionId);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key + (versionId == null ? "" : " (version " + versionId + ")");
    }
}
