package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.DetachedSocketFactory;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * http(s) with a byte limit, one deadline for the whole exchange, and redirects followed by
 * hand so that every hop is checked by {@link HttpTargetPolicy}. Unless private addresses are
 * allowed, host names are resolved through {@link PublicAddressResolver}, whose vetted addresses
 * are the ones connected to.
 */
final class HttpFetcher implements AutoCloseable {

    private static final int MAX_REDIRECTS = 5;

    private final FetchLimits limits;
    private final HttpTargetPolicy targets;
    private final CloseableHttpClient client;
    /** Aborts exchanges at their deadline: socket timeouts alone let a body trickle in forever. */
    private final ScheduledExecutorService deadlines;

    HttpFetcher(FetchLimits limits, int connections) {
        this(limits, connections, InetAddress::getAllByName, PoolingHttpClientConnectionManagerBuilder.create());
    }

    /** With a test's lookup, and its sockets: they can record every connection and refuse those off this machine. */
    HttpFetcher(FetchLimits limits, int connections, PublicAddressResolver.Lookup lookup, DetachedSocketFactory sockets) {
        this(limits, connections, lookup, new PoolingHttpClientConnectionManagerBuilder() {
            @Override
            protected HttpClientConnectionOperator createConnectionOperator(SchemePortResolver ports, DnsResolver dns, TlsSocketStrategy tls) {
                return new DefaultHttpClientConnectionOperator(sockets, ports, dns,
                        RegistryBuilder.<TlsSocketStrategy>create().register(URIScheme.HTTPS.id, tls).build());
            }
        });
    }

    private HttpFetcher(FetchLimits limits, int connections, PublicAddressResolver.Lookup lookup,
            PoolingHttpClientConnectionManagerBuilder pool) {
        this.limits = limits;
        this.targets = new HttpTargetPolicy(limits.allowedHosts());
        Timeout timeout = Timeout.of(limits.timeout());
        pool.setMaxConnTotal(Math.max(2, connections))
                .setMaxConnPerRoute(Math.max(2, connections))
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).build());
        if (!limits.allowPrivateAddresses()) {
            pool.setDnsResolver(new PublicAddressResolver(lookup));
        }
        this.client = HttpClients.custom()
                .setConnectionManager(pool.build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "featurex-fetch-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    byte[] fetch(URI uri) throws BadInputException {
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        targets.check(uri);
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Exchange response = exchange(current, deadline);
            int status = response.status();
            if (status >= 300 && status < 400 && response.location() != null) {
                URI next = redirectTarget(current, response.location());
                targets.checkRedirect(current, next);
                current = next;
                continue;
            }
            if (status >= 500) {
                throw new BadInputException(ErrorCode.HTTP_SERVER_ERROR, "HTTP " + status + " from " + current);
            }
            if (status >= 400) {
                throw new BadInputException(ErrorCode.HTTP_CLIENT_ERROR, "HTTP " + status + " from " + current);
            }
            if (status != 200) {
                throw new BadInputException(ErrorCode.FETCH_FAILED, "unexpected HTTP " + status + " from " + current);
            }
            return response.body();
        }
        throw new BadInputException(ErrorCode.FETCH_FAILED, "more than " + MAX_REDIRECTS + " redirects from " + uri);
    }

    /** A response read in full: status, redirect target, body (null unless 200). */
    private record Exchange(int status, String location, byte[] body) {}

    private Exchange exchange(URI uri, long deadline) throws BadInputException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new BadInputException(ErrorCode.FETCH_TIMEOUT, "no time left for " + uri + " (limit " + limits.timeout() + ")");
        }
        HttpGet get = new HttpGet(uri);
        ScheduledFuture<?> abort = deadlines.schedule(get::cancel, remaining, TimeUnit.NANOSECONDS);
        try {
            return client.execute(get, response -> read(uri, response));
        } catch (TooLargeException e) {
            throw new BadInputException(ErrorCode.TOO_LARGE, uri + ": " + e.getMessage());
        } catch (PublicAddressResolver.NotPublicException e) {
            throw new BadInputException(ErrorCode.HOST_NOT_ALLOWED, e.getMessage());
        } catch (UnknownHostException e) {
            throw new BadInputException(ErrorCode.FETCH_FAILED, "unknown host " + uri.getHost());
        } catch (SocketTimeoutException e) { // connect timeouts included
            throw new BadInputException(ErrorCode.FETCH_TIMEOUT, uri + " took longer than " + limits.timeout());
        } catch (IOException e) {
            if (get.isCancelled()) {
                throw new BadInputException(ErrorCode.FETCH_TIMEOUT, uri + " took longer than " + limits.timeout());
            }
            throw new BadInputException(ErrorCode.FETCH_FAILED, "fetching " + uri + " failed: " + e, e);
        } finally {
            abort.cancel(false);
        }
    }

    private Exchange read(URI uri, ClassicHttpResponse response) throws IOException {
        int status = response.getCode();
        Header location = response.getFirstHeader("Location");
        HttpEntity entity = response.getEntity();
        if (status != 200 || entity == null) {
            return new Exchange(status, location == null ? null : location.getValue(), null);
        }
        long declared = entity.getContentLength();
        if (declared > limits.maxBytes()) {
            throw new TooLargeException("Content-Length " + declared + " over the limit of " + limits.maxBytes() + " bytes");
        }
        try (InputStream in = entity.getContent()) {
            byte[] body = readAtMost(in, limits.maxBytes() + 1);
            if (body.length > limits.maxBytes()) {
                throw new TooLargeException("body over the limit of " + limits.maxBytes() + " bytes");
            }
            return new Exchange(status, null, body);
        }
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

    private static URI redirectTarget(URI from, String location) throws BadInputException {
        try {
            return from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(ErrorCode.FETCH_FAILED, from + " redirects to a Location that is not a URI: " + location);
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            // Closing idle pooled connections; nothing is waiting on them.
        }
    }

    private static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }
}
