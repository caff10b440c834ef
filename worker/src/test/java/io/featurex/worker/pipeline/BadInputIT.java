package io.featurex.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.testing.WorkerHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input, every kind, interleaved with good images on a real broker and the real
 * (reduced-width) network: each bad record is exactly one dead letter with its code, each good
 * one a feature, and the worker stays healthy throughout.
 */
class BadInputIT {

    private static final int PER_KIND = 6;

    @TempDir
    Path dir;

    @Test
    void everyKindOfBadInputBecomesExactlyOneDeadLetterWithItsCode() throws Exception {
        Path root = Files.createDirectories(dir.resolve("images"));
        byte[] cat = sample("cat.jpg");
        byte[] astronaut = sample("astronaut.png");
        Files.write(root.resolve("cat.jpg"), cat);
        Path outside = Files.writeString(dir.resolve("secret.txt"), "not for you");

        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/ok.png", exchange -> respond(exchange, 200, astronaut));
        http.createContext("/missing", exchange -> respond(exchange, 404, new byte[0]));
        http.createContext("/error", exchange -> respond(exchange, 500, new byte[0]));
        http.createContext("/huge", exchange -> respond(exchange, 200, new byte[300_000]));
        http.createContext("/slow", exchange -> {
            sleep(6_000);
            respond(exchange, 200, astronaut);
        });
        http.setExecutor(Executors.newCachedThreadPool());
        http.start();
        int port = http.getAddress().getPort();
        String allowed = "http://localhost:" + port;
        // Redirect to the same server under a host name that is not on the allow-list.
        http.createContext("/redirect", exchange -> redirect(exchange, "http://127.0.0.1:" + port + "/ok.png"));
        // Redirects to other schemes; the file is one the worker could read, were it followed.
        http.createContext(
                "/to-file",
                exchange -> redirect(exchange, root.resolve("cat.jpg").toUri().toString()));
        http.createContext("/to-ftp", exchange -> redirect(exchange, "ftp://localhost:" + port + "/ok.png"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Map<ErrorCode, List<byte[]>> bad = new EnumMap<>(ErrorCode.class);
        Random random = new Random(7);
        for (int i = 0; i < PER_KIND; i++) {
            String n = "-" + i;
            add(bad, ErrorCode.EMPTY_MESSAGE, new byte[0]);
            byte[] noise = new byte[40 + i];
            random.nextBytes(noise);
            noise[0] = (byte) 0xFF; // an invalid protobuf tag: never parses
            add(
                    bad,
                    ErrorCode.MALFORMED_MESSAGE,
                    i % 2 == 0 ? noise : ("{\"uri\": \"x" + i + "\"}").getBytes(StandardCharsets.UTF_8));
            add(
                    bad,
                    ErrorCode.NO_SOURCE,
                    (i % 2 == 0 ? ref("no-source" + n) : ref("empty-uri" + n).setUri(""))
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.UNSUPPORTED_SCHEME,
                    ref("scheme" + n)
                            .setUri(i % 2 == 0 ? "ftp://host/a.jpg" : "gopher://x/y")
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.FILE_NOT_FOUND,
                    ref("missing" + n)
                            .setUri(root.resolve("nope" + i + ".jpg").toUri().toString())
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.PATH_NOT_ALLOWED,
                    ref("outside" + n)
                            .setUri(i % 2 == 0 ? outside.toUri().toString() : root.toUri() + "../secret.txt")
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.HTTP_CLIENT_ERROR,
                    ref("http404" + n).setUri(allowed + "/missing").build().toByteArray());
            add(
                    bad,
                    ErrorCode.HTTP_SERVER_ERROR,
                    ref("http500" + n).setUri(allowed + "/error").build().toByteArray());
            add(
                    bad,
                    ErrorCode.FETCH_TIMEOUT,
                    ref("slow" + n).setUri(allowed + "/slow").build().toByteArray());
            add(
                    bad,
                    ErrorCode.TOO_LARGE,
                    ref("huge" + n).setUri(allowed + "/huge").build().toByteArray());
            add(
                    bad,
                    ErrorCode.HOST_NOT_ALLOWED,
                    ref("host" + n)
                            .setUri(
                                    switch (i % 4) {
                                        case 0 -> "http://127.0.0.1:" + port + "/ok.png";
                                        case 1 -> allowed + "/redirect";
                                        case 2 -> "http://127.1:" + port + "/ok.png"; // numeric shorthand
                                        default -> "http://2130706433:" + port + "/ok.png"; // 127.0.0.1 as one number
                                    })
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.INVALID_URI,
                    ref("invalid-uri" + n)
                            .setUri(
                                    switch (i % 4) {
                                        case 0 -> "http://localhost:" + port + "/ok png"; // a raw space
                                        case 1 ->
                                            "file://fileserver"
                                                    + root.resolve("cat.jpg")
                                                            .toUri()
                                                            .getPath(); // another machine's file
                                        case 2 -> "http:///ok.png"; // no host
                                        default -> "s3://photos"; // no key
                                    })
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.REDIRECT_SCHEME_NOT_ALLOWED,
                    ref("redirect-scheme" + n)
                            .setUri(allowed + (i % 2 == 0 ? "/to-file" : "/to-ftp"))
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.UNDECODABLE_IMAGE,
                    ref("garbage" + n)
                            .setInline(ByteString.copyFromUtf8("no image here " + i))
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.TRUNCATED_IMAGE,
                    ref("cut" + n)
                            .setInline(ByteString.copyFrom(Arrays.copyOf(
                                    i % 2 == 0 ? cat : astronaut, (i % 2 == 0 ? cat : astronaut).length / 2)))
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.UNSUPPORTED_FORMAT,
                    ref("heic" + n)
                            .setInline(ByteString.copyFrom(heicHeader()))
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.TOO_MANY_PIXELS,
                    ref("bomb" + n)
                            .setInline(ByteString.copyFrom(pngHeader(40_000, 40_000)))
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.INLINE_TOO_LARGE,
                    ref("inline-big" + n)
                            .setInline(ByteString.copyFrom(new byte[200_000]))
                            .build()
                            .toByteArray());
            add(
                    bad,
                    ErrorCode.FETCH_FAILED,
                    ref("refused" + n)
                            .setUri("http://localhost:" + closedPort + "/a.jpg")
                            .build()
                            .toByteArray());
            // Echoed attributes that make the feature larger than the output topic's 1 MB.
            add(
                    bad,
                    ErrorCode.OUTPUT_TOO_LARGE,
                    ref("echo" + n)
                            .setUri(root.resolve("cat.jpg").toUri().toString())
                            .putAttributes("note", "a".repeat(1_045_000))
                            .build()
                            .toByteArray());
        }
        // Minus UNSPECIFIED, UNRECOGNIZED, the object-store codes, which S3EventsIT exercises against its
        // S3 server, and TOO_MANY_IMAGES, which needs a format naming several images (ManyImagesIT).
        assertThat(bad.keySet())
                .as("every other error code is exercised")
                .hasSize(ErrorCode.values().length - 3 - S3EventsIT.OBJECT_STORE_CODES.size());

        // Interleave: a good image after every third bad one, alternating file, http and inline.
        List<byte[]> values = new ArrayList<>();
        Map<Integer, ErrorCode> expectedAt = new HashMap<>();
        List<String> goodIds = new ArrayList<>();
        int good = 0;
        int badCount = 0;
        for (List<byte[]> kind : bad.values()) {
            for (byte[] value : kind) {
                expectedAt.put(values.size(), codeOf(bad, value));
                values.add(value);
                if (++badCount % 3 == 0) {
                    String id = "good-" + good;
                    ImageRef.Builder ref = ref(id);
                    switch (good++ % 3) {
                        case 0 -> ref.setUri(root.resolve("cat.jpg").toUri().toString());
                        case 1 -> ref.setUri(allowed + "/ok.png");
                        default -> ref.setInline(ByteString.copyFrom(cat));
                    }
                    goodIds.add(id);
                    values.add(ref.build().toByteArray());
                }
            }
        }
        assertThat(badCount).isGreaterThanOrEqualTo(100);

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("fetch.file-roots", root.toString());
        settings.put("fetch.allowed-hosts", "localhost");
        settings.put("fetch.allow-private-addresses", "true");
        settings.put("fetch.timeout-ms", "2000"); // generous: the fetches all go at once on a busy 2-core machine
        settings.put("fetch.max-bytes", "250000");
        settings.put("fetch.inline-max-bytes", "150000");
        settings.put("decode.max-pixels", "50000000");
        settings.put("pipeline.decode-threads", "4");
        try (FeatureExtractor model = ModelLoader.load(ModelSpec.seeded(42, 8, Preprocessing.CAFFE));
                WorkerHarness worker = new WorkerHarness(model, 1, settings).start()) {
            worker.send(values);
            worker.awaitOutputs(values.size());

            assertThat(worker.health.state()).isEqualTo(Health.State.RUNNING);
            assertThat(worker.failure()).isNull();
            assertThat(worker.duplicates).isZero();
            for (String id : goodIds) {
                DeadLetter wrong = worker.deadLetterById.get(id);
                assertThat(wrong)
                        .as(
                                "good image %s dead-lettered: %s",
                                id, wrong == null ? "" : wrong.getCode() + " " + wrong.getMessage())
                        .isNull();
            }
            assertThat(worker.features.keySet()).containsExactlyInAnyOrderElementsOf(goodIds);
            assertThat(worker.deadLetterById).hasSize(badCount);
            Map<ErrorCode, Integer> byCode = new EnumMap<>(ErrorCode.class);
            for (DeadLetter d : worker.deadLetterById.values()) {
                int offset = (int) d.getSource().getOffset();
                assertThat(d.getCode())
                        .as("record at offset %d: %s", offset, d.getMessage())
                        .isEqualTo(expectedAt.get(offset));
                byte[] original = values.get(offset);
                // Inputs over dead-letter.max-original-bytes are carried as a flagged prefix.
                assertThat(d.getOriginalTruncated()).isEqualTo(original.length > 262_144);
                assertThat(d.getOriginalValueSize()).isEqualTo(original.length);
                assertThat(d.getOriginalValue().toByteArray())
                        .isEqualTo(Arrays.copyOf(original, Math.min(original.length, 262_144)));
                assertThat(d.getMessage()).isNotBlank();
                byCode.merge(d.getCode(), 1, Integer::sum);
            }
            System.out.println("dead letters by code: " + byCode);
            assertThat(worker.deadLetterById.get("host-2").getMessage())
                    .contains("neither a DNS name nor a dotted-quad");
            assertThat(worker.deadLetterById.get("host-3").getMessage()).contains("numeric but not a dotted-quad");
            assertThat(worker.deadLetterById.get("redirect-scheme-0").getMessage())
                    .contains("redirects to file:");
            assertThat(worker.deadLetterById.get("empty-uri-1").getMessage()).contains("uri is empty");
            assertThat(worker.committedOffsets()).isEqualTo(values.size());
        } finally {
            http.stop(0);
        }
    }

    private static ImageRef.Builder ref(String id) {
        return ImageRef.newBuilder().setId(id);
    }

    private static void add(Map<ErrorCode, List<byte[]>> bad, ErrorCode code, byte[] value) {
        bad.computeIfAbsent(code, c -> new ArrayList<>()).add(value);
    }

    private static ErrorCode codeOf(Map<ErrorCode, List<byte[]>> bad, byte[] value) {
        for (var e : bad.entrySet()) {
            for (byte[] v : e.getValue()) {
                if (v == value) {
                    return e.getKey();
                }
            }
        }
        throw new AssertionError("unknown value");
    }

    /** A PNG that declares its size and ends there: enough to be refused from the header. */
    private static byte[] pngHeader(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    private static byte[] heicHeader() {
        byte[] box = new byte[32];
        ByteBuffer.wrap(box).putInt(24).put("ftypheic".getBytes(StandardCharsets.US_ASCII));
        return box;
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        respond(exchange, 302, new byte[0]);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] sample(String name) throws Exception {
        try (InputStream in = BadInputIT.class.getResourceAsStream("/io/featurex/embedded/samples/" + name)) {
            return in.readAllBytes();
        }
    }
}
