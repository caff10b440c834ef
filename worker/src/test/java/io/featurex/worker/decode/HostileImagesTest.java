package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes made to hurt a decoder: cut short, corrupted at random, lying about their size, with
 * thousands of scans. Each must end as a dead letter with the right code, never as another
 * exception, a gray-filled image or a crashed JVM (the native decoders run in-process).
 */
class HostileImagesTest {

    private static final Path FORMATS = Path.of("src/test/resources/formats");
    private static final long DEFAULT_LIMIT = 50_000_000L;

    private static ImageDecoder decoder(JpegBackend backend, long maxPixels) {
        NativeDecoders.spec(backend);
        return new DecodeSpec(Optional.empty(), Optional.empty(), false, maxPixels, false, Optional.of(backend))
                .decoderFor(Preprocessing.TORCH, 224);
    }

    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void aJpegCutAnywhereAfterItsHeaderIsTruncated(JpegBackend backend) throws Exception {
        byte[] whole = ImageDecoderTest.sample("coffee.jpg");
        int scan = indexOf(whole, (byte) 0xFF, (byte) 0xDA);
        ImageDecoder decoder = decoder(backend, DEFAULT_LIMIT);
        for (int i = 1; i <= 40; i++) {
            int cut = scan + 20 + (int) ((long) (whole.length - scan - 40) * i / 40);
            BadInputException e =
                    catchThrowableOfType(BadInputException.class, () -> decoder.decode(Arrays.copyOf(whole, cut)));
            assertThat(e).as("cut at %d of %d", cut, whole.length).isNotNull();
            assertThat(e.code()).as("cut at %d: %s", cut, e.getMessage()).isEqualTo(ErrorCode.TRUNCATED_IMAGE);
        }
    }

    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void aJpegCutInsideItsHeaderIsTruncatedOrUndecodable(JpegBackend backend) throws Exception {
        byte[] whole = ImageDecoderTest.sample("coffee.jpg");
        int scan = indexOf(whole, (byte) 0xFF, (byte) 0xDA);
        ImageDecoder decoder = decoder(backend, DEFAULT_LIMIT);
        for (int cut = 0; cut < scan + 20; cut += 7) {
            byte[] head = Arrays.copyOf(whole, cut);
            BadInputException e = catchThrowableOfType(BadInputException.class, () -> decoder.decode(head));
            assertThat(e).as("cut at %d", cut).isNotNull();
            assertThat(e.code())
                    .as("cut at %d: %s", cut, e.getMessage())
                    .isIn(ErrorCode.TRUNCATED_IMAGE, ErrorCode.UNDECODABLE_IMAGE);
        }
    }

    /** Seeded random corruption of small JPEGs and WebPs: decoded or refused, nothing else. */
    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void randomlyCorruptedFilesAreDecodedOrRefused(JpegBackend backend) throws Exception {
        ImageDecoder decoder = decoder(backend, DEFAULT_LIMIT);
        Map<ErrorCode, Integer> outcomes = new EnumMap<>(ErrorCode.class);
        int decoded = 0;
        for (String file :
                new String[] {"baseline.jpg", "progressive.jpg", "cmyk.jpg", "gray.jpg", "lossy.webp", "lossless.webp"
                }) {
            byte[] original = Files.readAllBytes(FORMATS.resolve(file));
            Random random = new Random(file.hashCode());
            for (int n = 0; n < 150; n++) {
                byte[] mutant = original.clone();
                int flips = 1 + random.nextInt(12);
                for (int f = 0; f < flips; f++) {
                    mutant[4 + random.nextInt(mutant.length - 4)] = (byte) random.nextInt(256);
                }
                try {
                    assertThat(decoder.decode(mutant)).hasSize(224 * 224 * 3);
                    decoded++;
                } catch (BadInputException e) {
                    outcomes.merge(e.code(), 1, Integer::sum);
                }
            }
        }
        System.out.printf("corrupted files, JPEG by %s: %d decoded, refused %s%n", backend.key(), decoded, outcomes);
        assertThat(decoded).as("most corruptions only change pixels").isPositive();
    }

    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void aJpegClaimingAHugeSizeIsRefusedFromItsHeader(JpegBackend backend) throws Exception {
        byte[] jpeg = withJpegSize(Files.readAllBytes(FORMATS.resolve("baseline.jpg")), 60000, 60000);
        ImageDecoder decoder = decoder(backend, DEFAULT_LIMIT);
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> decoder.decode(jpeg));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PIXELS);
        assertThat(e.getMessage()).contains("60000x60000");
    }

    @ParameterizedTest
    @MethodSource("io.featurex.worker.decode.NativeDecoders#jpegBackends")
    void aJpegOfNoSizeIsUndecodable(JpegBackend backend) throws Exception {
        byte[] jpeg = withJpegSize(Files.readAllBytes(FORMATS.resolve("baseline.jpg")), 0, 64);
        ImageDecoder decoder = decoder(backend, DEFAULT_LIMIT);
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> decoder.decode(jpeg));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
    }

    @Test
    void aWebpClaimingAHugeSizeIsRefusedFromItsHeader() throws Exception {
        NativeDecoders.assumeWebp();
        byte[] webp = Files.readAllBytes(FORMATS.resolve("lossy.webp"));
        // A simple-format (VP8) file: 14-bit width and height at bytes 26-29 of the RIFF.
        assertThat(new String(webp, 12, 4, StandardCharsets.ISO_8859_1)).isEqualTo("VP8 ");
        webp[26] = (byte) 0xFF;
        webp[27] = 0x3F;
        webp[28] = (byte) 0xFF;
        webp[29] = 0x3F;
        ImageDecoder decoder = decoder(JpegBackend.IMAGEIO, DEFAULT_LIMIT);
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> decoder.decode(webp));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PIXELS);
        assertThat(e.getMessage()).contains("16383x16383");
    }

    @Test
    void aTruncatedWebpIsTruncated() throws Exception {
        NativeDecoders.assumeWebp();
        byte[] whole = Files.readAllBytes(FORMATS.resolve("lossy.webp"));
        ImageDecoder decoder = decoder(JpegBackend.IMAGEIO, DEFAULT_LIMIT);
        for (int cut : new int[] {whole.length / 2, whole.length - 1, 40}) {
            BadInputException e =
                    catchThrowableOfType(BadInputException.class, () -> decoder.decode(Arrays.copyOf(whole, cut)));
            assertThat(e.code()).as("cut at %d: %s", cut, e.getMessage()).isEqualTo(ErrorCode.TRUNCATED_IMAGE);
        }
    }

    /**
     * Thousands of scans make a small progressive file cost a long decode; libjpeg-turbo is asked
     * to stop at 500 (a real photo has about 10). PIL has no such limit: this is where featurex
     * refuses what PIL would decode, on purpose.
     */
    @Test
    void aProgressiveJpegWithThousandsOfScansIsRefused() throws Exception {
        NativeDecoders.assumeTurbo();
        byte[] bomb = withLastScanRepeated(Files.readAllBytes(FORMATS.resolve("progressive.jpg")), 2000);
        ImageDecoder decoder = decoder(JpegBackend.TURBO, DEFAULT_LIMIT);
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> decoder.decode(bomb));
        assertThat(e.code()).isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
        assertThat(e.getMessage()).contains("scans");
    }

    /** The baseline file with its frame header (SOF0) saying {@code width x height}. */
    private static byte[] withJpegSize(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        int sof = indexOf(out, (byte) 0xFF, (byte) 0xC0);
        out[sof + 5] = (byte) (height >> 8);
        out[sof + 6] = (byte) height;
        out[sof + 7] = (byte) (width >> 8);
        out[sof + 8] = (byte) width;
        return out;
    }

    /** The last scan (its SOS segment and entropy-coded data) repeated {@code times} before EOI. */
    private static byte[] withLastScanRepeated(byte[] jpeg, int times) {
        int last = -1;
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                last = i;
            }
        }
        int eoi = jpeg.length - 2;
        assertThat(jpeg[eoi + 1] & 0xFF).isEqualTo(0xD9);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, eoi);
        for (int n = 0; n < times; n++) {
            out.write(jpeg, last, eoi - last);
        }
        out.write(jpeg, eoi, 2);
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, byte first, byte second) {
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == first && b[i + 1] == second) {
                return i;
            }
        }
        throw new AssertionError("marker not found");
    }
}
