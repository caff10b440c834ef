package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import io.featurex.worker.fetch.BodyConsumer.Exchange;
import io.featurex.worker.fetch.BodyConsumer.TooLargeException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * http(s) as non-blocking I/O (Apache HttpClient 5's async client: a few reactor threads carry
 * every connection, HTTP/2 where a TLS server offers it), so hundreds of fetches can wait on a
 * slow store at once without a thread each. A byte limit (checked on Content-Length and while the
 * body streams in), one deadline for the whole exchange redirects included, and redirects followed
 * by hand so that every hop is checked by {@link HttpTargetPolicy}. Unless private addresses are
 * allowed, host names are resolved through {@link PublicAddressResolver}, whose vetted addresses
 * are the ones connected to.
 */
final class HttpFetcher implements AutoCloseable {

    private static final int MAX_REDIRECTS = 5;
    private static final int NOT_SENT_RETRIES = 5;

    private final FetchLimits limits;
    private final HttpTargetPolicy targets;
    private final CloseableHttpAsyncClient client;
    /** Aborts exchanges at their deadline: socket timeouts alone let a body trickle in forever. */
    private final ScheduledExecutorService deadlines;

    HttpFetcher(FetchLimits limits, int connections) {
        this(limits, connections, InetAddress::getAllByName, UnaryOperator.identity());
    }

    /**
     * With a test's lookup, and a test's hold on the resolver that connections take their
     * addresses from: it can record each address handed to a connection, and keep them all on
     * this machine.
     */
    HttpFetcher(
            FetchLimits limits,
            int connections,
            PublicAddressResolver.Lookup lookup,
            UnaryOperator<DnsResolver> connectTo) {
        this.limits = limits;
        this.targets = new HttpTargetPolicy(limits.allowedHosts());
        Timeout timeout = Timeout.of(limits.timeout());
        DnsResolver resolver =
                limits.allowPrivateAddresses() ? SystemDefaultDnsResolver.INSTANCE : new PublicAddressResolver(lookup);
        this.client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(Math.max(2, connections))
                        .setMaxConnPerRoute(Math.max(2, connections))
                        .setDnsResolver(connectTo.apply(resolver))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(timeout)
                                .setSocketTimeout(timeout)
                                // a pooled connection idle for a while is checked before it is used again
                                .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                                .build())
                        // HTTP/2 where the server offers it through ALPN, HTTP/1.1 otherwise
                        .setDefaultTlsConfig(TlsConfig.custom()
                                .setVersionPolicy(HttpVersionPolicy.NEGOTIATE)
                                .build())
                        .build())
                .setIOReactorConfig(
                        IOReactorConfig.custom().setSoTimeout(timeout).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        this.client.start();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "featurex-fetch-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    /** The body, or a future failed with the {@link BadInputException} that says why. */
    CompletableFuture<byte[]> fetch(URI uri) {
        try {
            targets.check(uri);
        } catch (BadInputException e) {
            return CompletableFuture.failedFuture(e);
        }
        return hop(uri, uri, 0, System.nanoTime() + limits.timeout().toNanos());
    }

    private CompletableFuture<byte[]> hop(URI original, URI current, int hop, long deadline) {
        return exchange(current, deadline).thenCompose(response -> {
            int status = response.status();
            try {
                if (status >= 300 && status < 400 && response.location() != null) {
                    if (hop == MAX_REDIRECTS) {
                        throw new BadInputException(
                                ErrorCode.FETCH_FAILED, "more than " + MAX_REDIRECTS + " redirects from " + original);
                    }
                    URI next = redirectTarget(current, response.location());
                    targets.checkRedirect(current, next);
                    return hop(original, next, hop + 1, deadline);
                }
                if (status >= 500) {
                    throw new BadInputException(ErrorCode.HTTP_SERVER_ERROR, "HTTP " + status + " from " + current);
                }
                if (status >= 400) {
                    throw new BadInputException(ErrorCode.HTTP_CLIENT_ERROR, "HTTP " + status + " from " + current);
                }
                if (status != 200) {
                    throw new BadInputException(
                            ErrorCode.FETCH_FAILED, "unexpected HTTP " + status + " from " + current);
                }
                return CompletableFuture.completedFuture(response.body());
            } catch (BadInputException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
    }

    /**
     * One request, sent again (at most {@link #NOT_SENT_RETRIES} times) when it never left: a
     * pooled keep-alive connection the server had closed meanwhile (servers and object stores
     * close idle ones) fails a request before it is written, and the server has seen nothing.
     */
    private CompletableFuture<Exchange> exchange(URI uri, long deadline) {
        return exchange(uri, deadline, 0);
    }

    private CompletableFuture<Exchange> exchange(URI uri, long deadline, int retry) {
        return send(uri, deadline)
                .handle((exchange, error) -> {
                    if (error instanceof NotSentException notSent) {
                        return retry < NOT_SENT_RETRIES
                                ? exchange(uri, deadline, retry + 1)
                                : CompletableFuture.<Exchange>failedFuture(notSent.failure);
                    }
                    return error != null
                            ? CompletableFuture.<Exchange>failedFuture(error)
                            : CompletableFuture.completedFuture(exchange);
                })
                .thenCompose(next -> next);
    }

    private CompletableFuture<Exchange> send(URI uri, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.failedFuture(new BadInputException(
                    ErrorCode.FETCH_TIMEOUT, "no time left for " + uri + " (limit " + limits.timeout() + ")"));
        }
        CompletableFuture<Exchange> result = new CompletableFuture<>();
        Future<Exchange> call = client.execute(
                SimpleRequestProducer.create(SimpleRequestBuilder.get(uri).build()),
                new BodyConsumer(limits.maxBytes()),
                null,
                null,
                new FutureCallback<>() {
                    @Override
                    public void completed(Exchange exchange) {
                        result.complete(exchange);
                    }

                    @Override
                    public void failed(Exception e) {
                        result.completeExceptionally(
                                e instanceof RequestNotExecutedException
                                        ? new NotSentException(uri, e)
                                        : failure(uri, e));
                    }

                    @Override
                    public void cancelled() {
                        result.completeExceptionally(new BadInputException(
                                ErrorCode.FETCH_TIMEOUT, uri + " took longer than " + limits.timeout()));
                    }
                });
        ScheduledFuture<?> abort = deadlines.schedule(() -> call.cancel(true), remaining, TimeUnit.NANOSECONDS);
        result.whenComplete((exchange, error) -> abort.cancel(false));
        return result;
    }

    private BadInputException failure(URI uri, Exception e) {
        if (e instanceof TooLargeException) {
            return new BadInputException(ErrorCode.TOO_LARGE, uri + ": " + e.getMessage());
        }
        if (e instanceof PublicAddressResolver.NotPublicException) {
            return new BadInputException(ErrorCode.HOST_NOT_ALLOWED, e.getMessage());
        }
        if (e instanceof UnknownHostException) {
            return new BadInputException(ErrorCode.FETCH_FAILED, "unknown host " + uri.getHost());
        }
        if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) { // connect timeouts included
            return new BadInputException(ErrorCode.FETCH_TIMEOUT, uri + " took longer than " + limits.timeout());
        }
        return new BadInputException(ErrorCode.FETCH_FAILED, "fetching " + uri + " failed: " + e, e);
    }

    private static URI redirectTarget(URI from, String location) throws BadInputException {
        try {
            return from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(
                    ErrorCode.FETCH_FAILED, from + " redirects to a Location that is not a URI: " + location);
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        client.close(
                CloseMode.GRACEFUL); // IMMEDIATE closes the selector under a running reactor, which then logs errors
    }

    /** A request that never left (see {@link #exchange}), and what it fails with when no retry is left. */
    private static final class NotSentException extends RuntimeException {
        final BadInputException failure;

        NotSentException(URI uri, Exception cause) {
            super(cause);
            this.failure =
                    new BadInputException(ErrorCode.FETCH_FAILED, "fetching " + uri + " failed: " + cause, cause);
        }
    }
}
