package io.featurex.worker.testing;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;
import org.jclouds.rest.AuthorizationException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * A real S3 server in the test JVM: s3proxy's S3 front end (AWS v4 signatures checked) over
 * jclouds' in-memory blob store, with a bucket policy of sorts for the failure paths: objects under
 * {@code private/} are denied (403 AccessDenied), those under {@code throttled/} answer 503 to their
 * first {@link #THROTTLED_READS} reads, those under {@code overloaded/} to every read, and those
 * under {@code slow/} answer after {@link #SLOW_MILLIS}.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "featurex-test-key";
    public static final String SECRET_KEY = "featurex-test-secret";
    public static final int THROTTLED_READS = 2;
    public static final long SLOW_MILLIS = 3_000;

    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final S3Client client;
    private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

    private S3Server() throws Exception {
        // By its metadata, not its name: a lookup by name loads every provider s3proxy registers,
        // Azure's included, whose libraries the tests leave out.
        context = ContextBuilder.newBuilder(new TransientApiMetadata())
                .credentials(ACCESS_KEY, SECRET_KEY)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(new Policy(context.getBlobStore()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!proxy.getState().equals("STARTED") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        client = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                // Uploads plainly signed: the newer SDK's default trailing checksums are beside the point here.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
    }

    public static S3Server start() throws Exception {
        return new S3Server();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /**
     * Makes this server's keys the AWS SDK's default credentials in this JVM (its system
     * properties, the first source of the standard chain the worker uses) until {@link #close}.
     */
    public S3Server exportCredentials() {
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        return this;
    }

    /** What a worker needs to read from this server (credentials come from the SDK's chain). */
    public Map<String, String> workerSettings() {
        return Map.of("s3.endpoint", endpoint().toString(), "s3.path-style", "true", "s3.region", "us-east-1");
    }

    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    /** @return the object's ETag, unquoted, as event notifications carry it */
    public String put(String bucket, String key, byte[] bytes) {
        PutObjectResponse response = client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
        return response.eTag().replace("\"", "");
    }

    /** GET requests the store saw for a key (each retry counts). */
    public int reads(String key) {
        AtomicInteger n = reads.get(key);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the S3 proxy", e);
        } finally {
            context.close();
        }
    }

    private final class Policy extends ForwardingBlobStore {
        Policy(BlobStore store) {
            super(store);
        }

        @Override
        public Blob getBlob(String container, String name, GetOptions options) {
            int read = reads.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            if (name.startsWith("private/")) {
                throw new AuthorizationException("denied by policy on private/");
            }
            if (name.startsWith("overloaded/") || name.startsWith("throttled/") && read <= THROTTLED_READS) {
                throw new HttpResponseException(
                        "Slow Down",
                        null,
                        HttpResponse.builder()
                                .statusCode(503)
                                .message("Slow Down")
                                .build());
            }
            if (name.startsWith("slow/")) {
                try {
                    Thread.sleep(SLOW_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.getBlob(container, name, options);
        }

        @Override
        public Blob getBlob(String container, String name) {
            return getBlob(container, name, GetOptions.NONE);
        }
    }
}
