package io.featurex.worker.decode;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.stream.Stream;

/**
 * For tests that run over both JPEG decoders: a decoder whose native library is missing here is
 * skipped, and says so on the console (CI installs the libraries and fails on these skips).
 */
public final class NativeDecoders {

    private NativeDecoders() {}

    /** Every JPEG decoder, for {@code @MethodSource}. */
    public static Stream<JpegBackend> jpegBackends() {
        return Stream.of(JpegBackend.values());
    }

    /** The default settings decoding JPEGs with {@code backend}; skips the test if it cannot load. */
    public static DecodeSpec spec(JpegBackend backend) {
        if (backend == JpegBackend.TURBO) {
            assumeTurbo();
        }
        return DecodeSpec.defaults(Long.MAX_VALUE).withJpegDecoder(backend);
    }

    public static void assumeTurbo() {
        String missing = DecodeSpec.turboMissing();
        if (missing != null) {
            System.out.println("SKIPPED (libjpeg-turbo): " + missing + "; apt-get install libturbojpeg0");
        }
        assumeTrue(missing == null, () -> "libjpeg-turbo is not installed: " + missing);
    }

    public static void assumeWebp() {
        String missing = DecodeSpec.webpMissing();
        if (missing != null) {
            System.out.println("SKIPPED (libwebp): " + missing + "; apt-get install libwebp7 libwebpdemux2");
        }
        assumeTrue(missing == null, () -> "libwebp is not installed: " + missing);
    }
}
