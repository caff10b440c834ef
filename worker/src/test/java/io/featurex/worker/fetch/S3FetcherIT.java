package io.featurex.worker.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import io.featurex.worker.testing.S3Server;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The s3:// fetcher against a real S3 server: the limits it shares with http(s). */
class S3FetcherIT {

    private static final int MAX_BYTES = 4096;

    private static S3Server s3;
    private static S3Fetcher fetcher;

    @BeforeAll
    static void setUp() throws Exception {
        s3 = S3Server.start().exportCredentials(); // found the standard way: the SDK's system properties
        s3.createBucket("bin");
        FetchLimits limits =
                new FetchLimits(MAX_BYTES, MAX_BYTES, Duration.ofMillis(1_000), List.of(), Set.of(), false);
        fetcher = new S3Fetcher(limits, new S3Settings(Optional.of(s3.endpoint()), Optional.empty(), true, 2), 2);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fetcher != null) {
            fetcher.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void readsAnObjectUpToTheLimitAndChecksItsEtag() throws Exception {
        byte[] bytes = new byte[MAX_BYTES];
        bytes[7] = 7;
        String etag = s3.put("bin", "exactly the limit.bin", bytes);
        URI uri = URI.create("s3://bin/exactly%20the%20limit.bin");
        assertThat(fetcher.fetch(uri, null)).isEqualTo(bytes);
        assertThat(fetcher.fetch(uri, etag)).isEqualTo(bytes);
        assertThat(fetcher.fetch(uri, "\"" + etag + "\""))
                .as("quoted as in HTTP")
                .isEqualTo(bytes);
        assertThat(code(uri, "00000000000000000000000000000000")).isEqualTo(ErrorCode.OBJECT_CHANGED);
    }

    @Test
    void anObjectOverTheByteLimitIsTooLarge() {
        s3.put("bin", "big.bin", new byte[MAX_BYTES + 1]);
        assertThat(code(URI.create("s3://bin/big.bin"), null)).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void aSlowStoreHitsTheFetchTimeout() {
        s3.put("bin", "slow/a.bin", new byte[10]);
        // The store answers after 3 s; the 1 s deadline ends the read first.
        assertThat(code(URI.create("s3://bin/slow/a.bin"), null)).isEqualTo(ErrorCode.FETCH_TIMEOUT);
    }

    private static ErrorCode code(URI uri, String etag) {
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> fetcher.fetch(uri, etag));
        assertThat(e).as(uri.toString()).isNotNull();
        return e.code();
    }
}
