package io.featurex.worker.fetch;

import java.net.URI;
import java.util.Optional;

/**
 * Where s3:// references are read from. Credentials are not here: they come from the AWS SDK's
 * standard provider chain (environment, system properties, profile, web identity, container or
 * instance role), as every AWS tool finds them.
 *
 * @param endpoint    an S3-compatible store (MinIO, Ceph, GCS' S3 API); empty: AWS S3
 * @param region      signing region; empty: the SDK's region chain, or us-east-1 with cross-region access
 * @param pathStyle   {@code host/bucket/key} instead of {@code bucket.host/key} (MinIO and most self-hosted stores)
 * @param maxAttempts attempts per read, the first included; throttling and 5xx are retried with backoff
 */
public record S3Settings(Optional<URI> endpoint, Optional<String> region, boolean pathStyle, int maxAttempts) {

    public static final S3Settings DEFAULTS = new S3Settings(Optional.empty(), Optional.empty(), false, 5);
}
