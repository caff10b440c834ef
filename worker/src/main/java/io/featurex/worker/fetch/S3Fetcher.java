package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * s3:// through the AWS SDK: the same byte limit and deadline as http(s), the SDK's standard
 * retries (exponential backoff with jitter) for throttling and 5xx, and S3's error codes mapped to
 * dead-letter codes. The client is built on the first s3:// reference, so workers that never see
 * one never look for credentials.
 */
final class S3Fetcher implements AutoCloseable {

    private static final Region FALLBACK_REGION = Region.US_EAST_1;

    private final FetchLimits limits;
    private final S3Settings settings;
    private final int connections;
    private S3Client client;

    S3Fetcher(FetchLimits limits, S3Settings settings, int connections) {
        this.limits = limits;
        this.settings = settings;
        this.connections = connections;
    }

    /** @param expectedEtag the ETag the object must have (its event's), or null for whatever is there now */
    byte[] fetch(URI uri, String expectedEtag) throws BadInputException {
        S3Location location = S3Location.of(uri);
        GetObjectRequest.Builder request =
                GetObjectRequest.builder().bucket(location.bucket()).key(location.key());
        if (location.versionId() != null) {
            request.versionId(location.versionId());
        }
        if (expectedEtag != null && !expectedEtag.isBlank()) {
            request.ifMatch(quoted(expectedEtag));
        }
        try (ResponseInputStream<GetObjectResponse> body = client().getObject(request.build())) {
            Long length = body.response().contentLength();
            if (length != null && length > limits.maxBytes()) {
                body.abort();
                throw new BadInputException(
                        ErrorCode.TOO_LARGE,
                        location + " is " + length + " bytes, over the limit of " + limits.maxBytes());
            }
            return readLimited(body, location);
        } catch (S3Exception e) {
            ErrorCode code = S3Errors.code(
                    e.statusCode(),
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode(),
                    e.isThrottlingException());
            String s3Code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new BadInputException(
                    code,
                    location + ": HTTP " + e.statusCode() + (s3Code == null ? "" : " " + s3Code)
                            + (code == ErrorCode.OBJECT_CHANGED ? " (ETag is no longer " + expectedEtag + ")" : "")
                            + (code == ErrorCode.THROTTLED ? " after " + settings.maxAttempts() + " attempts" : ""),
                    e);
        } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException e) {
            throw new BadInputException(ErrorCode.FETCH_TIMEOUT, location + " took longer than " + limits.timeout(), e);
        } catch (SdkClientException e) {
            throw new BadInputException(
                    ErrorCode.FETCH_FAILED, "reading " + location + " failed: " + e.getMessage(), e);
        } catch (SdkException | IOException e) {
            throw new BadInputException(ErrorCode.FETCH_FAILED, "reading " + location + " failed: " + e, e);
        }
    }

    private byte[] readLimited(ResponseInputStream<GetObjectResponse> body, S3Location location)
            throws IOException, BadInputException {
        byte[] bytes = readAtMost(body, limits.maxBytes() + 1);
        if (bytes.length > limits.maxBytes()) {
            body.abort();
            throw new BadInputException(
                    ErrorCode.TOO_LARGE, location + " is over the limit of " + limits.maxBytes() + " bytes");
        }
        return bytes;
    }

    /** Reads until the end or {@code limit} bytes, whichever comes first. */
    static byte[] readAtMost(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[(int) Math.min(limit, 64 * 1024)];
        int size = 0;
        while (size < limit) {
            if (size == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(limit, (long) buffer.length * 2));
            }
            int n = in.read(buffer, size, buffer.length - size);
            if (n < 0) {
                break;
            }
            size += n;
        }
        return Arrays.copyOf(buffer, size);
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    private synchronized S3Client client() {
        if (client == null) {
            client = build();
        }
        return client;
    }

    private S3Client build() {
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .forcePathStyle(settings.pathStyle())
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(connections)
                        .connectionTimeout(limits.timeout())
                        .socketTimeout(limits.timeout()))
                .overrideConfiguration(o -> o.apiCallTimeout(limits.timeout())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build()));
        if (settings.endpoint().isPresent()) {
            builder.endpointOverride(settings.endpoint().get());
            // SDK 2.30+ asks for flexible checksums (x-amz-checksum-mode) on every GET, which many
            // S3-compatible stores refuse (501) or do not know; ask only where the operation requires it.
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        builder.region(region());
        if (settings.endpoint().isEmpty() && settings.region().isEmpty()) {
            // Without a configured region, buckets in any region are still readable.
            builder.crossRegionAccessEnabled(true);
        }
        return builder.build();
    }

    private Region region() {
        if (settings.region().isPresent()) {
            return Region.of(settings.region().get());
        }
        if (settings.endpoint().isPresent()) {
            // Self-hosted stores mostly ignore the region; asking the SDK's chain would probe
            // EC2 instance metadata, seconds of waiting outside AWS.
            return FALLBACK_REGION;
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return FALLBACK_REGION;
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
