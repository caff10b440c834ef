package io.featurex.worker.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetcherTest {

    private static HttpServer server;
    private static final java.util.concurrent.atomic.AtomicInteger reboundRequests = new java.util.concurrent.atomic.AtomicInteger();
    private static String base;

    @BeforeAll
    static void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", exchange -> {
            byte[] body = "image-bytes".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse up front
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[4096]);
            }
        });
        server.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().set("Location", "/ok");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/rebound", exchange -> {
            reboundRequests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newCachedThreadPool()); // /slow must not hold up the others
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static Fetcher fetcher(List<Path> roots, boolean allowPrivate) {
        return new Fetcher(new FetchLimits(1024, 16, Duration.ofMillis(500), roots, Set.of(), allowPrivate), S3Settings.DEFAULTS, 2);
    }

    private static ImageRef uri(String uri) {
        return ImageRef.newBuilder().setUri(uri).build();
    }

    private static ErrorCode code(Fetcher fetcher, ImageRef ref) {
        return catchThrowableOfType(BadInputException.class, () -> fetcher.fetch(ref)).code();
    }

    @Test
    void inlineBytesComeBackWithinTheirLimit() throws Exception {
        Fetcher f = fetcher(List.of(), false);
        assertThat(f.fetch(ImageRef.newBuilder().setInline(ByteString.copyFromUtf8("small")).build())).isEqualTo("small".getBytes());
        assertThat(code(f, ImageRef.newBuilder().setInline(ByteString.copyFrom(new byte[17])).build()))
                .isEqualTo(ErrorCode.INLINE_TOO_LARGE);
    }

    @Test
    void noSourceAndUnknownSchemes() {
        Fetcher f = fetcher(List.of(), false);
        assertThat(code(f, ImageRef.getDefaultInstance())).isEqualTo(ErrorCode.NO_SOURCE);
        assertThat(code(f, uri("ftp://host/a.jpg"))).isEqualTo(ErrorCode.UNSUPPORTED_SCHEME);
        assertThat(code(f, uri("a.jpg"))).isEqualTo(ErrorCode.UNSUPPORTED_SCHEME);
    }

    @Test
    void filesOnlyInsideTheRoots(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("images"));
        Path inside = Files.writeString(root.resolve("a.jpg"), "jpeg");
        Path outside = Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link.jpg"), outside);
        Fetcher f = fetcher(List.of(root), false);

        assertThat(f.fetch(uri(inside.toUri().toString()))).isEqualTo("jpeg".getBytes());
        assertThat(code(f, uri(root.resolve("nope.jpg").toUri().toString()))).isEqualTo(ErrorCode.FILE_NOT_FOUND);
        assertThat(code(f, uri(outside.toUri().toString()))).isEqualTo(ErrorCode.PATH_NOT_ALLOWED);
        assertThat(code(f, uri(root.toUri() + "../secret.txt"))).isEqualTo(ErrorCode.PATH_NOT_ALLOWED);
        assertThat(code(f, uri(root.resolve("link.jpg").toUri().toString()))).isEqualTo(ErrorCode.PATH_NOT_ALLOWED);
        assertThat(code(fetcher(List.of(), false), uri(inside.toUri().toString()))).isEqualTo(ErrorCode.PATH_NOT_ALLOWED);
    }

    @Test
    void oversizedFilesAreRefused(@TempDir Path dir) throws Exception {
        Path big = Files.write(dir.resolve("big.jpg"), new byte[2048]);
        assertThat(code(fetcher(List.of(dir), false), uri(big.toUri().toString()))).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void loopbackIsRefusedUnlessAllowed() throws Exception {
        assertThat(code(fetcher(List.of(), false), uri(base + "/ok"))).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
        assertThat(fetcher(List.of(), true).fetch(uri(base + "/ok"))).isEqualTo("image-bytes".getBytes());
    }

    @Test
    void httpOutcomesMapToTheirCodes() throws Exception {
        Fetcher f = fetcher(List.of(), true);
        assertThat(code(f, uri(base + "/missing"))).isEqualTo(ErrorCode.HTTP_CLIENT_ERROR);
        assertThat(code(f, uri(base + "/broken"))).isEqualTo(ErrorCode.HTTP_SERVER_ERROR);
        assertThat(code(f, uri(base + "/big"))).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(code(f, uri(base + "/slow"))).isEqualTo(ErrorCode.FETCH_TIMEOUT);
        assertThat(f.fetch(uri(base + "/moved"))).isEqualTo("image-bytes".getBytes());
    }

    @Test
    void aNameThatRebindsToLoopbackAfterTheCheckNeverReachesIt() throws Exception {
        // First lookup public (TEST-NET-3, unroutable), every later one loopback: a guard that
        // checks one lookup and connects with another would reach the local server.
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        PublicAddressResolver.Lookup rebinding = host -> new InetAddress[] {lookups.getAndIncrement() == 0
                ? InetAddress.getByAddress(host, new byte[] {(byte) 203, 0, 113, 7})
                : InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        FetchLimits limits = new FetchLimits(1024, 16, Duration.ofMillis(500), List.of(), Set.of(), false);
        try (HttpFetcher http = new HttpFetcher(limits, 2, rebinding)) {
            BadInputException e = catchThrowableOfType(BadInputException.class,
                    () -> http.fetch(java.net.URI.create("http://images.example:" + server.getAddress().getPort() + "/rebound")));
            assertThat(e).isNotNull();
            assertThat(e.code()).isIn(ErrorCode.FETCH_TIMEOUT, ErrorCode.FETCH_FAILED);
        }
        assertThat(reboundRequests).hasValue(0);
    }

    @Test
    void aNameWithAnyPrivateAddressIsRefused() {
        PublicAddressResolver.Lookup mixed = host -> new InetAddress[] {
                InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34}),
                InetAddress.getByAddress(host, new byte[] {10, 0, 0, 5})};
        FetchLimits limits = new FetchLimits(1024, 16, Duration.ofMillis(500), List.of(), Set.of(), false);
        try (HttpFetcher http = new HttpFetcher(limits, 2, mixed)) {
            BadInputException e = catchThrowableOfType(BadInputException.class,
                    () -> http.fetch(java.net.URI.create("http://images.example/cat.jpg")));
            assertThat(e.code()).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
            assertThat(e.getMessage()).contains("10.0.0.5");
        }
    }

    @Test
    void privateAddressesAreRecognised() throws Exception {
        assertThat(PublicAddressResolver.isPrivate(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(PublicAddressResolver.isPrivate(InetAddress.getByName("169.254.169.254"))).isTrue();
        assertThat(PublicAddressResolver.isPrivate(InetAddress.getByName("::1"))).isTrue();
        assertThat(PublicAddressResolver.isPrivate(InetAddress.getByName("fd00::1"))).isTrue();
        assertThat(PublicAddressResolver.isPrivate(InetAddress.getByName("93.184.216.34"))).isFalse();
    }
}
