package io.featurex.worker.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.BadInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fetch outcome and its code. HTTP goes to one loopback server; names come from each test's
 * lookup, and connections through {@link RecordingConnections}, which never leave this machine.
 */
class FetcherTest {

    private static HttpServer server;
    private static int port;
    private static String base;
    /** Requests that reached /guarded: a guard that works keeps it at zero. */
    private static final AtomicInteger guardedRequests = new AtomicInteger();

    /** A file: URI inside the roots that a followed redirect would read. */
    @TempDir
    static Path roots;

    @BeforeAll
    static void serve() throws Exception {
        Files.writeString(roots.resolve("cat.jpg"), "jpeg");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        port = server.getAddress().getPort();
        base = "http://127.0.0.1:" + port;
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
        server.createContext("/missing", exchange -> status(exchange, 404));
        server.createContext("/broken", exchange -> status(exchange, 503));
        server.createContext("/moved", exchange -> redirect(exchange, "/ok"));
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status(exchange, 200);
        });
        server.createContext("/guarded", exchange -> {
            guardedRequests.incrementAndGet();
            status(exchange, 200);
        });
        server.createContext(
                "/to-file",
                exchange -> redirect(exchange, roots.resolve("cat.jpg").toUri().toString()));
        server.createContext("/to-ftp", exchange -> redirect(exchange, "ftp://127.0.0.1:" + port + "/guarded"));
        server.createContext("/to-shorthand", exchange -> redirect(exchange, "http://127.1:" + port + "/guarded"));
        server.createContext("/to-no-uri", exchange -> redirect(exchange, "http://exa mple/guarded"));
        server.createContext("/to-no-host", exchange -> redirect(exchange, "http:///guarded"));
        server.createContext(
                "/to-metadata", exchange -> redirect(exchange, "http://metadata.example:" + port + "/guarded"));
        server.setExecutor(Executors.newCachedThreadPool()); // /slow must not hold up the others
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void resetCounts() {
        guardedRequests.set(0);
    }

    private static void status(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        status(exchange, 302);
    }

    private static FetchLimits limits(List<Path> roots, Set<String> allowedHosts, boolean allowPrivate) {
        return new FetchLimits(1024, 16, Duration.ofMillis(500), roots, allowedHosts, allowPrivate);
    }

    private static Fetcher fetcher(List<Path> roots, boolean allowPrivate) {
        return new Fetcher(limits(roots, Set.of(), allowPrivate), S3Settings.DEFAULTS, 2);
    }

    private static ImageRef uri(String uri) {
        return ImageRef.newBuilder().setUri(uri).build();
    }

    private static ErrorCode code(Fetcher fetcher, ImageRef ref) {
        return failure(fetcher, ref).code();
    }

    private static BadInputException failure(Fetcher fetcher, ImageRef ref) {
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> Fetcher.await(fetcher.fetch(ref)));
        assertThat(e).as(ref.toString()).isNotNull();
        return e;
    }

    private static BadInputException failure(HttpFetcher http, String uri) {
        BadInputException e =
                catchThrowableOfType(BadInputException.class, () -> Fetcher.await(http.fetch(URI.create(uri))));
        assertThat(e).as(uri).isNotNull();
        return e;
    }

    private static InetAddress address(String host, String literal) throws UnknownHostException {
        return InetAddress.getByAddress(host, InetAddress.getByName(literal).getAddress());
    }

    @Test
    void inlineBytesComeBackWithinTheirLimit() throws Exception {
        Fetcher f = fetcher(List.of(), false);
        assertThat(Fetcher.await(f.fetch(ImageRef.newBuilder()
                        .setInline(ByteString.copyFromUtf8("small"))
                        .build())))
                .isEqualTo("small".getBytes());
        assertThat(code(
                        f,
                        ImageRef.newBuilder()
                                .setInline(ByteString.copyFrom(new byte[17]))
                                .build()))
                .isEqualTo(ErrorCode.INLINE_TOO_LARGE);
    }

    @Test
    void noSourceEmptyUrisAndUnknownSchemes() {
        Fetcher f = fetcher(List.of(), false);
        assertThat(code(f, ImageRef.getDefaultInstance())).isEqualTo(ErrorCode.NO_SOURCE);
        ImageRef empty = uri("");
        assertThat(empty.getSourceCase()).as("an empty uri is still set").isEqualTo(ImageRef.SourceCase.URI);
        assertThat(failure(f, empty)).satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NO_SOURCE);
            assertThat(e.getMessage()).contains("uri is empty");
        });
        assertThat(code(f, uri(" \t"))).isEqualTo(ErrorCode.NO_SOURCE);
        assertThat(code(f, uri("ftp://host/a.jpg"))).isEqualTo(ErrorCode.UNSUPPORTED_SCHEME);
        assertThat(code(f, uri("a.jpg"))).isEqualTo(ErrorCode.UNSUPPORTED_SCHEME);
    }

    @Test
    void urisThatDoNotParseOrNameNothingAreInvalid() {
        Fetcher f = fetcher(List.of(roots), true);
        for (String invalid : List.of(
                "http://exa mple.com/a.jpg", // a raw space
                " " + base + "/ok",
                "http://example.com/a b.jpg",
                "file://fileserver" + roots.resolve("cat.jpg").toUri().getPath(), // another machine's file
                "file:cat.jpg",
                roots.resolve("cat.jpg").toUri() + "?v=1",
                "http:///a.jpg",
                "https:a.jpg",
                "s3://bucket",
                "s3:///key.jpg",
                "s3://bucket/a.jpg#frag")) {
            BadInputException e = failure(f, uri(invalid));
            assertThat(e.code()).as(invalid + ": " + e.getMessage()).isEqualTo(ErrorCode.INVALID_URI);
        }
        assertThat(failure(f, uri("http://exa mple.com/a.jpg")).getMessage())
                .startsWith("not a valid URI: Illegal character");
        assertThat(failure(f, uri("file://fileserver/x.jpg")).getMessage()).contains("authority");
        assertThat(guardedRequests).hasValue(0);
    }

    @Test
    void filesOnlyInsideTheRoots(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("images"));
        Path inside = Files.writeString(root.resolve("a.jpg"), "jpeg");
        Path outside = Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link.jpg"), outside);
        Fetcher f = fetcher(List.of(root), false);

        assertThat(Fetcher.await(f.fetch(uri(inside.toUri().toString())))).isEqualTo("jpeg".getBytes());
        assertThat(code(f, uri(root.resolve("nope.jpg").toUri().toString()))).isEqualTo(ErrorCode.FILE_NOT_FOUND);
        assertThat(code(f, uri(outside.toUri().toString()))).isEqualTo(ErrorCode.PATH_NOT_ALLOWED);
        assertThat(code(f, uri(root.toUri() + "../secret.txt"))).isEqualTo(ErrorCode.PATH_NOT_ALLOWED);
        assertThat(code(f, uri(root.resolve("link.jpg").toUri().toString()))).isEqualTo(ErrorCode.PATH_NOT_ALLOWED);
        assertThat(code(fetcher(List.of(), false), uri(inside.toUri().toString())))
                .isEqualTo(ErrorCode.PATH_NOT_ALLOWED);
    }

    @Test
    void oversizedFilesAreRefused(@TempDir Path dir) throws Exception {
        Path big = Files.write(dir.resolve("big.jpg"), new byte[2048]);
        assertThat(code(fetcher(List.of(dir), false), uri(big.toUri().toString())))
                .isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void loopbackIsRefusedUnlessAllowed() throws Exception {
        assertThat(code(fetcher(List.of(), false), uri(base + "/guarded"))).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
        assertThat(guardedRequests).hasValue(0);
        assertThat(Fetcher.await(fetcher(List.of(), true).fetch(uri(base + "/ok"))))
                .isEqualTo("image-bytes".getBytes());
    }

    @Test
    void httpOutcomesMapToTheirCodes() throws Exception {
        Fetcher f = fetcher(List.of(), true);
        assertThat(code(f, uri(base + "/missing"))).isEqualTo(ErrorCode.HTTP_CLIENT_ERROR);
        assertThat(code(f, uri(base + "/broken"))).isEqualTo(ErrorCode.HTTP_SERVER_ERROR);
        assertThat(code(f, uri(base + "/big"))).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(code(f, uri(base + "/slow"))).isEqualTo(ErrorCode.FETCH_TIMEOUT);
        assertThat(Fetcher.await(f.fetch(uri(base + "/moved")))).isEqualTo("image-bytes".getBytes());
    }

    /**
     * Fetches are I/O of their own: as many exchanges as the connections allow are in flight at
     * once, on the client's few reactor threads, however slow the server is to answer.
     */
    @Test
    void slowAnswersOverlapUpToTheConnectionLimit() throws Exception {
        int concurrent = 40;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch allArrived = new CountDownLatch(concurrent);
        HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        slow.setExecutor(Executors.newCachedThreadPool());
        slow.createContext("/slow", exchange -> {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            allArrived.countDown();
            try {
                allArrived.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            byte[] body = "image-bytes".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        slow.start();
        try (HttpFetcher http = new HttpFetcher(
                new FetchLimits(1024, 16, Duration.ofSeconds(20), List.of(), Set.of(), true),
                concurrent,
                InetAddress::getAllByName,
                UnaryOperator.identity())) {
            List<CompletableFuture<byte[]>> fetches = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                fetches.add(http.fetch(
                        URI.create("http://127.0.0.1:" + slow.getAddress().getPort() + "/slow?" + i)));
            }
            for (var fetch : fetches) {
                assertThat(Fetcher.await(fetch)).isEqualTo("image-bytes".getBytes());
            }
        } finally {
            slow.stop(0);
        }
        assertThat(peak).as("every exchange was waiting at the server at once").hasValue(concurrent);
    }

    @Test
    void numericShorthandAndUnreadableHostsAreRefusedBeforeAnyLookup() throws Exception {
        ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
        PublicAddressResolver.Lookup lookup = host -> {
            asked.add(host);
            return new InetAddress[] {address(host, "127.0.0.1")};
        };
        for (boolean allowPrivate : new boolean[] {false, true}) {
            RecordingConnections connections = new RecordingConnections();
            try (HttpFetcher http =
                    new HttpFetcher(limits(List.of(), Set.of(), allowPrivate), 2, lookup, connections)) {
                for (String host : List.of(
                        "127.1",
                        "0x7f.1",
                        "0x7f.0.0.1",
                        "2130706433",
                        "0x7f000001",
                        "017700000001",
                        "0177.0.0.1",
                        "127.0.0.01",
                        "08.0.0.1",
                        "1.2.3.256",
                        "127.0.0.1.",
                        "a_b.example",
                        "example.123")) {
                    BadInputException e = failure(http, "http://" + host + ":" + port + "/guarded");
                    assertThat(e.code()).as(host + ": " + e.getMessage()).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
                    assertThat(e.getMessage()).contains("host " + host);
                }
                assertThat(failure(http, "http://0177.0.0.1/a.jpg").getMessage())
                        .contains("numeric but not a dotted-quad")
                        .contains("inet_aton reads it as 127.0.0.1");
                assertThat(failure(http, "http://127.1/a.jpg").getMessage())
                        .contains("neither a DNS name nor a dotted-quad")
                        .contains("inet_aton reads it as 127.0.0.1");
            }
            assertThat(connections.attempts).as("allowPrivate=" + allowPrivate).isEmpty();
        }
        assertThat(asked).isEmpty();
        assertThat(guardedRequests).hasValue(0);
        // A dotted quad is no shorthand: it goes on to the address check, which refuses loopback.
        try (HttpFetcher http =
                new HttpFetcher(limits(List.of(), Set.of(), false), 2, lookup, new RecordingConnections())) {
            assertThat(failure(http, base + "/guarded").getMessage()).contains("Loopback");
        }
        assertThat(asked).containsExactly("127.0.0.1");
    }

    @Test
    void namesThatResolveToSpecialPurposeAddressesAreNeverConnectedTo() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(InetAddress.getByName("169.254.169.254").getAddress(), 0, mapped, 12, 4);
        Map<String, InetAddress> answers = Map.ofEntries(
                Map.entry("test-net.example", address("test-net.example", "192.0.2.2")),
                Map.entry("metadata.example", address("metadata.example", "100.100.100.200")),
                Map.entry("cgnat.example", address("cgnat.example", "100.64.0.1")),
                Map.entry("benchmark.example", address("benchmark.example", "198.18.0.1")),
                Map.entry("this-network.example", address("this-network.example", "0.1.2.3")),
                Map.entry("link-local.example", address("link-local.example", "169.254.169.254")),
                Map.entry("loopback.example", address("loopback.example", "127.0.0.1")),
                Map.entry("nat64.example", address("nat64.example", "64:ff9b::a9fe:a9fe")),
                Map.entry("6to4.example", address("6to4.example", "2002:a9fe:a9fe::1")),
                Map.entry("compatible.example", address("compatible.example", "::a9fe:a9fe")),
                Map.entry("teredo.example", address("teredo.example", "2001:0:4136:e378:8000:63bf:3fff:fdd2")),
                Map.entry("mapped.example", Inet6Address.getByAddress("mapped.example", mapped, -1)),
                Map.entry("unique-local.example", address("unique-local.example", "fd00::1")));
        Map<String, String> why = Map.ofEntries(
                Map.entry("test-net.example", "Documentation (TEST-NET-1)"),
                Map.entry("metadata.example", "Shared Address Space"),
                Map.entry("cgnat.example", "Shared Address Space"),
                Map.entry("benchmark.example", "Benchmarking"),
                Map.entry("this-network.example", "\"This network\""),
                Map.entry("link-local.example", "Link Local"),
                Map.entry("loopback.example", "Loopback"),
                Map.entry("nat64.example", "carrying 169.254.169.254"),
                Map.entry("6to4.example", "carrying 169.254.169.254"),
                Map.entry("compatible.example", "carrying 169.254.169.254"),
                Map.entry("teredo.example", "carrying 192.0.2.45"),
                Map.entry("mapped.example", "IPv4-mapped Address"),
                Map.entry("unique-local.example", "Unique-Local"));
        PublicAddressResolver.Lookup lookup = host -> {
            InetAddress answer = answers.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {answer};
        };
        RecordingConnections connections = new RecordingConnections();
        try (HttpFetcher http = new HttpFetcher(limits(List.of(), Set.of(), false), 2, lookup, connections)) {
            for (String host : answers.keySet()) {
                BadInputException e = failure(http, "http://" + host + ":" + port + "/guarded");
                assertThat(e.code()).as(host + ": " + e.getMessage()).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
                assertThat(e.getMessage())
                        .contains("host " + host + " resolves to", "not globally reachable", why.get(host));
            }
        }
        assertThat(connections.attempts).isEmpty();
        assertThat(guardedRequests).hasValue(0);
    }

    @Test
    void aNameThatRebindsAfterTheCheckIsConnectedToAsVetted() throws Exception {
        // First answer public, every later one loopback: a guard that checks one lookup and
        // connects with another would reach the local server.
        AtomicInteger lookups = new AtomicInteger();
        PublicAddressResolver.Lookup rebinding = host -> new InetAddress[] {
            lookups.getAndIncrement() == 0 ? address(host, "93.184.216.34") : address(host, "127.0.0.1")
        };
        RecordingConnections connections = new RecordingConnections();
        try (HttpFetcher http = new HttpFetcher(limits(List.of(), Set.of(), false), 2, rebinding, connections)) {
            BadInputException e = failure(http, "http://images.example:" + port + "/guarded");
            assertThat(e.code()).isEqualTo(ErrorCode.FETCH_FAILED); // the test withholds addresses off this machine
        }
        assertThat(lookups).hasValue(1);
        assertThat(connections.attempts)
                .containsExactly(new InetSocketAddress(InetAddress.getByName("93.184.216.34"), port));
        assertThat(guardedRequests).hasValue(0);
    }

    @Test
    void aNameWithAnyNonPublicAddressIsRefused() throws Exception {
        PublicAddressResolver.Lookup mixed =
                host -> new InetAddress[] {address(host, "93.184.216.34"), address(host, "10.0.0.5")};
        RecordingConnections connections = new RecordingConnections();
        try (HttpFetcher http = new HttpFetcher(limits(List.of(), Set.of(), false), 2, mixed, connections)) {
            BadInputException e = failure(http, "http://images.example/cat.jpg");
            assertThat(e.code()).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
            assertThat(e.getMessage()).contains("10.0.0.5", "Private-Use");
        }
        assertThat(connections.attempts).isEmpty();
    }

    @Test
    void everyRedirectIsResolvedAndVettedAgain() throws Exception {
        // The loopback server stands in for a public address, so the first hop passes the guard.
        InetAddress images = address("images.example", "93.184.216.34");
        RecordingConnections connections = new RecordingConnections().standIn(images, server.getAddress());
        PublicAddressResolver.Lookup lookup = host -> switch (host) {
            case "images.example" -> new InetAddress[] {images};
            case "metadata.example" -> new InetAddress[] {address(host, "169.254.169.254")};
            default -> throw new UnknownHostException(host);
        };
        try (HttpFetcher http = new HttpFetcher(limits(List.of(), Set.of(), false), 2, lookup, connections)) {
            assertThat(Fetcher.await(http.fetch(URI.create("http://images.example:" + port + "/ok"))))
                    .isEqualTo("image-bytes".getBytes());
            BadInputException e = failure(http, "http://images.example:" + port + "/to-metadata");
            assertThat(e.code()).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
            assertThat(e.getMessage()).contains("host metadata.example resolves to 169.254.169.254", "Link Local");
        }
        assertThat(connections.attempts)
                .extracting(InetSocketAddress::getAddress)
                .containsOnly(images);
        assertThat(guardedRequests).hasValue(0);
    }

    @Test
    void theAllowListAppliesBesideTheAddressCheck() throws Exception {
        FetchLimits onlyLocalhost = limits(List.of(), Set.of("localhost"), true);
        RecordingConnections connections = new RecordingConnections();
        try (HttpFetcher http = new HttpFetcher(onlyLocalhost, 2, InetAddress::getAllByName, connections)) {
            assertThat(Fetcher.await(http.fetch(URI.create("http://localhost:" + port + "/ok"))))
                    .isEqualTo("image-bytes".getBytes());
            BadInputException e = failure(http, base + "/guarded");
            assertThat(e.code()).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
            assertThat(e.getMessage()).isEqualTo("host 127.0.0.1 is not in the allowed hosts");
        }
        // Being on the list lets a host through the list, not past the address check.
        PublicAddressResolver.Lookup toLoopback = host -> new InetAddress[] {address(host, "127.0.0.1")};
        RecordingConnections guarded = new RecordingConnections();
        try (HttpFetcher http =
                new HttpFetcher(limits(List.of(), Set.of("images.example"), false), 2, toLoopback, guarded)) {
            assertThat(failure(http, "http://images.example:" + port + "/guarded")
                            .getMessage())
                    .contains("Loopback");
        }
        assertThat(guarded.attempts).isEmpty();
        assertThat(guardedRequests).hasValue(0);
    }

    @Test
    void aRedirectToAnotherSchemeIsNeverFollowed() {
        Fetcher f = fetcher(List.of(roots), true); // the file it points to would be readable
        BadInputException toFile = failure(f, uri(base + "/to-file"));
        assertThat(toFile.code()).isEqualTo(ErrorCode.REDIRECT_SCHEME_NOT_ALLOWED);
        assertThat(toFile.getMessage())
                .contains("redirects to file:")
                .contains("only redirects to http and https are followed");
        assertThat(code(f, uri(base + "/to-ftp"))).isEqualTo(ErrorCode.REDIRECT_SCHEME_NOT_ALLOWED);
        assertThat(guardedRequests).hasValue(0);
    }

    @Test
    void aRedirectIsCheckedAsAReferenceIs() {
        Fetcher f = fetcher(List.of(), true);
        assertThat(code(f, uri(base + "/to-shorthand"))).isEqualTo(ErrorCode.HOST_NOT_ALLOWED);
        BadInputException noUri = failure(f, uri(base + "/to-no-uri"));
        assertThat(noUri.code()).isEqualTo(ErrorCode.FETCH_FAILED);
        assertThat(noUri.getMessage()).contains("Location that is not a URI");
        BadInputException noHost = failure(f, uri(base + "/to-no-host"));
        assertThat(noHost.code()).as("the server's fault, not the reference's").isEqualTo(ErrorCode.FETCH_FAILED);
        assertThat(noHost.getMessage()).contains("no host in http:///guarded");
        assertThat(guardedRequests).hasValue(0);
    }
}
