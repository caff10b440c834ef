package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may ask: every request without a token configured, only the token's holders with one. */
class SimilarServerAccessTest {

    private static final String TOKEN = "s3cr3t-T0ken_for.tests~+/==";

    private final HttpClient http = HttpClient.newHttpClient();
    private IndexFollower follower;

    @BeforeEach
    void follower() {
        // Never started, so it never connects: /stats reads its counters only.
        follower = new IndexFollower(
                Map.of("bootstrap.servers", "127.0.0.1:1"), "featurex.features", SimilarityIndex.firstModelWins());
    }

    @AfterEach
    void close() {
        follower.close();
    }

    private SimilarServer start(BearerToken token) throws Exception {
        return SimilarServer.start(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                SimilarityIndex.firstModelWins(),
                follower,
                null,
                1024,
                1,
                token);
    }

    private HttpResponse<String> get(SimilarServer server, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutATokenEveryoneIsAnswered() throws Exception {
        try (SimilarServer server = start(null)) {
            assertThat(get(server, "/stats", null).statusCode()).isEqualTo(200);
            assertThat(get(server, "/similar?id=nobody", null).statusCode()).isEqualTo(404);
            assertThat(get(server, "/healthz", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withATokenOnlyItsHoldersAreAnswered() throws Exception {
        BearerToken token =
                BearerToken.from(null, Map.of(BearerToken.ENV, TOKEN)).orElseThrow();
        try (SimilarServer server = start(token)) {
            for (String path : new String[] {"/stats", "/similar?id=nobody"}) {
                HttpResponse<String> missing = get(server, path, null);
                assertThat(missing.statusCode()).as(path).isEqualTo(401);
                assertThat(missing.headers().firstValue("WWW-Authenticate"))
                        .hasValue("Bearer realm=\"featurex-similar\"");
                assertThat(missing.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                assertThat(missing.body()).startsWith("{\"error\":");

                for (String wrong :
                        new String[] {"Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Basic " + TOKEN}) {
                    HttpResponse<String> refused = get(server, path, wrong);
                    assertThat(refused.statusCode()).as(wrong).isEqualTo(401);
                    assertThat(refused.headers().firstValue("WWW-Authenticate"))
                            .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer realm="));
                    assertThat(refused.body()).doesNotContain(TOKEN);
                }
                assertThat(get(server, path, "Bearer " + TOKEN + "x").headers().firstValue("WWW-Authenticate"))
                        .hasValue("Bearer realm=\"featurex-similar\", error=\"invalid_token\"");
            }
            assertThat(get(server, "/stats", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
            assertThat(get(server, "/stats", "bearer " + TOKEN).statusCode())
                    .as("the scheme's name is case-insensitive")
                    .isEqualTo(200);
            assertThat(get(server, "/similar?id=nobody", "Bearer " + TOKEN).statusCode())
                    .as("through to the query: the id is not indexed")
                    .isEqualTo(404);
            assertThat(get(server, "/healthz", null).statusCode())
                    .as("probes carry no token")
                    .isEqualTo(200);
        }
    }
}
