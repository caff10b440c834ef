package io.featurex.similar;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/** Lets a request through to the routes it guards only with the token; answers 401 otherwise, as RFC 6750 words it. */
final class TokenGuard implements HttpHandler {

    private static final String CHALLENGE = "Bearer realm=\"featurex-similar\"";

    private final BearerToken token;
    private final HttpHandler next;

    private TokenGuard(BearerToken token, HttpHandler next) {
        this.token = token;
        this.next = next;
    }

    /** {@code next} itself when there is no token to ask for. */
    static HttpHandler guard(BearerToken token, HttpHandler next) {
        return token == null ? next : new TokenGuard(token, next);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (token.admits(authorization)) {
            next.handle(exchange);
            return;
        }
        try (exchange) {
            // A request with no credentials gets no error code (RFC 6750, section 3.1): it just did not know.
            boolean guessed = BearerToken.presented(authorization).isPresent();
            exchange.getResponseHeaders()
                    .set("WWW-Authenticate", guessed ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE);
            SimilarServer.respond(
                    exchange,
                    401,
                    Json.error(guessed ? "wrong bearer token" : "give the token as Authorization: Bearer TOKEN"));
        }
    }
}
