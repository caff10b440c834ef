package io.featurex.worker.fetch;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * http(s) with a byte limit, one deadline for the whole exchange, and redirects followed by
 * hand so that every hop's host is checked against the allow-list and the private-address rule.
 */
final class HttpFetcher {

    private static final int MAX_REDIRECTS = 5;

    private final FetchLimits limits;
    private final HttpClient client;

    HttpFetcher(FetchLimits limits) {
        this.limits = limits;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(limits.timeout())
                .build();
    }

    byte[] fetch(URI uri) throws BadInputException {
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            checkHost(current);
            HttpResponse<byte[]> response = exchange(current, deadline);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("location").isPresent()) {
                current = current.resolve(response.headers().firstValue("location").get());
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

    private HttpResponse<byte[]> exchange(URI uri, long deadline) throws BadInputException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new BadInputException(ErrorCode.FETCH_TIMEOUT, "no time left for " + uri + " (limit " + limits.timeout() + ")");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
        CompletableFuture<HttpResponse<byte[]>> future =
                client.sendAsync(request, info -> new LimitedBody(limits.maxBytes(), info.headers().firstValueAsLong("content-length").orElse(-1)));
        try {
            return future.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new BadInputException(ErrorCode.FETCH_TIMEOUT, uri + " took longer than " + limits.timeout());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new BadInputException(ErrorCode.FETCH_FAILED, "interrupted fetching " + uri);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BodyTooLargeException tooLarge) {
                throw new BadInputException(ErrorCode.TOO_LARGE, uri + ": " + tooLarge.getMessage());
            }
            if (cause instanceof HttpTimeoutException) {
                throw new BadInputException(ErrorCode.FETCH_TIMEOUT, uri + " took longer than " + limits.timeout());
            }
            throw new BadInputException(ErrorCode.FETCH_FAILED, "fetching " + uri + " failed: " + cause, cause);
        }
    }

    private void checkHost(URI uri) throws BadInputException {
        String host = uri.getHost();
        if (host == null) {
            throw new BadInputException(ErrorCode.FETCH_FAILED, "no host in " + uri);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new BadInputException(ErrorCode.UNSUPPORTED_SCHEME, "redirect to unsupported scheme: " + uri);
        }
        if (!limits.allowedHosts().isEmpty() && !limits.allowedHosts().contains(host.toLowerCase(Locale.ROOT))) {
            throw new BadInputException(ErrorCode.HOST_NOT_ALLOWED, "host " + host + " is not in the allowed hosts");
        }
        if (limits.allowPrivateAddresses()) {
            return;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (isPrivate(address)) {
                    throw new BadInputException(ErrorCode.HOST_NOT_ALLOWED,
                            "host " + host + " resolves to non-public address " + address.getHostAddress());
                }
            }
        } catch (UnknownHostException e) {
            throw new BadInputException(ErrorCode.FETCH_FAILED, "unknown host " + host);
        }
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        // IPv6 unique local addresses (fc00::/7) are private too; Java does not call them site-local.
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC;
    }

    private static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(String message) {
            super(message);
        }
    }

    /** Collects the body, giving up as soon as it passes the limit instead of buffering it all. */
    private static final class LimitedBody implements BodySubscriber<byte[]> {
        private final long limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(long limit, long declaredLength) {
            this.limit = limit;
            if (declaredLength > limit) {
                result.completeExceptionally(new BodyTooLargeException("Content-Length " + declaredLength + " over the limit of " + limit + " bytes"));
            }
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (buffer.size() + (long) item.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new BodyTooLargeException("body over the limit of " + limit + " bytes"));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
