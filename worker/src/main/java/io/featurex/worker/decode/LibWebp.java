package io.featurex.worker.decode;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.nio.ByteOrder;

/**
 * WebP decoding by libwebp, the library PIL decodes WebP with, called as Pillow 9.4 calls it: a
 * {@code WebPAnimDecoder} (libwebpdemux) in RGBA, whose first canvas is the picture, alpha then
 * dropped. For a still image that canvas equals {@code WebPDecodeRGBA}; for an animation it is the
 * first frame composed onto the canvas as PIL shows it. Checked bit for bit against PIL on lossy,
 * lossy-with-alpha and lossless files (golden/decoders). TwelveMonkeys' pure-Java VP8 decoder,
 * the fallback, rounds differently (cosine 0.99993 on photos).
 *
 * <p>The canvas size is read from the header ({@code WebPGetFeatures}) and the pixel limit applied
 * before the animation decoder, which allocates the canvas, is created. Thread-safe: a decoder
 * object serves one image.
 */
final class LibWebp {

    private final LibWebpLibrary.Decode decode;
    private final LibWebpLibrary.Demux demux;
    private final String files;

    private LibWebp(LibWebpLibrary.Decode decode, LibWebpLibrary.Demux demux, String files) {
        this.decode = decode;
        this.demux = demux;
        this.files = files;
    }

    /** What a load attempt found: the decoder, or why there is none. Loaded once per JVM. */
    record Load(LibWebp decoder, String description) {

        boolean loaded() {
            return decoder != null;
        }
    }

    private static final class Holder {
        static final Load LOAD = load();

        private static Load load() {
            NativeLibraryLoad<LibWebpLibrary.Decode> webp =
                    NativeLibraryLoad.load(LibWebpLibrary.Decode.class, "libwebp.so.7", "webp");
            NativeLibraryLoad<LibWebpLibrary.Demux> demux =
                    NativeLibraryLoad.load(LibWebpLibrary.Demux.class, "libwebpdemux.so.2", "webpdemux");
            if (!webp.loaded() || !demux.loaded()) {
                return new Load(
                        null,
                        "libwebp/libwebpdemux could not be loaded (" + webp.description() + "; " + demux.description()
                                + ")");
            }
            LibWebpLibrary.AnimDecoderOptions options = new LibWebpLibrary.AnimDecoderOptions();
            if (demux.library().WebPAnimDecoderOptionsInitInternal(options, LibWebpLibrary.DEMUX_ABI) == 0) {
                return new Load(
                        null,
                        demux.description() + " does not accept demux ABI 0x"
                                + Integer.toHexString(LibWebpLibrary.DEMUX_ABI));
            }
            return new Load(
                    new LibWebp(webp.library(), demux.library(), webp.description() + ", " + demux.description()),
                    webp.description() + ", " + demux.description());
        }
    }

    static Load load() {
        return Holder.LOAD;
    }

    /** "libwebp 1.2.4 (paths)": for the start-up log. */
    String description() {
        int v = decode.WebPGetDecoderVersion();
        return "libwebp " + (v >> 16) + "." + ((v >> 8) & 0xFF) + "." + (v & 0xFF) + " (" + files + ")";
    }

    ImageDecoder.Rgb decode(byte[] webp, long maxPixels) throws BadInputException {
        try (Memory data = new Memory(webp.length)) {
            data.write(0, webp, 0, webp.length);
            LibWebpLibrary.SizeT size = new LibWebpLibrary.SizeT(webp.length);
            LibWebpLibrary.BitstreamFeatures features = new LibWebpLibrary.BitstreamFeatures();
            int status = decode.WebPGetFeaturesInternal(data, size, features, LibWebpLibrary.DECODER_ABI);
            if (status != LibWebpLibrary.VP8_STATUS_OK) {
                throw headerFailure(status);
            }
            long width = features.width;
            long height = features.height;
            if (width <= 0 || height <= 0) {
                throw new BadInputException(
                        ErrorCode.UNDECODABLE_IMAGE, "WebP header gives no image size (" + width + "x" + height + ")");
            }
            // Refused from the header alone, before the decoder allocates its canvas.
            if (width * height > maxPixels) {
                throw new BadInputException(
                        ErrorCode.TOO_MANY_PIXELS,
                        "WEBP of " + width + "x" + height + " = " + width * height + " pixels, limit " + maxPixels);
            }
            LibWebpLibrary.Data input = new LibWebpLibrary.Data();
            input.bytes = data;
            input.size = size;
            LibWebpLibrary.AnimDecoderOptions options = new LibWebpLibrary.AnimDecoderOptions();
            if (demux.WebPAnimDecoderOptionsInitInternal(options, LibWebpLibrary.DEMUX_ABI) == 0) {
                throw new IllegalStateException("WebPAnimDecoderOptionsInit failed");
            }
            options.colorMode = LibWebpLibrary.MODE_RGBA;
            options.useThreads = 0;
            // The demuxer keeps pointing into data: it stays open until the decoder is deleted.
            Pointer decoder = demux.WebPAnimDecoderNewInternal(input, options, LibWebpLibrary.DEMUX_ABI);
            if (decoder == null) {
                throw ImageSignatures.riffEndsEarly(webp)
                        ? new BadInputException(
                                ErrorCode.TRUNCATED_IMAGE,
                                "WebP data ends early: the file is shorter than its RIFF header says")
                        : new BadInputException(
                                ErrorCode.UNDECODABLE_IMAGE,
                                "WebP image could not be parsed (" + webp.length + " bytes)");
            }
            try {
                return firstCanvas(decoder, webp, maxPixels);
            } finally {
                demux.WebPAnimDecoderDelete(decoder);
            }
        }
    }

    private ImageDecoder.Rgb firstCanvas(Pointer decoder, byte[] webp, long maxPixels) throws BadInputException {
        LibWebpLibrary.AnimInfo info = new LibWebpLibrary.AnimInfo();
        if (demux.WebPAnimDecoderGetInfo(decoder, info) == 0) {
            throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE, "WebP image could not be parsed (no canvas)");
        }
        long width = Integer.toUnsignedLong(info.canvasWidth);
        long height = Integer.toUnsignedLong(info.canvasHeight);
        if (width <= 0 || height <= 0 || width * height > maxPixels || width * height > Integer.MAX_VALUE - 8) {
            throw new BadInputException(
                    ErrorCode.TOO_MANY_PIXELS,
                    "WEBP canvas of " + width + "x" + height + " pixels, limit " + maxPixels);
        }
        PointerByReference canvas = new PointerByReference();
        if (demux.WebPAnimDecoderGetNext(decoder, canvas, new IntByReference()) == 0 || canvas.getValue() == null) {
            throw ImageSignatures.riffEndsEarly(webp)
                    ? new BadInputException(ErrorCode.TRUNCATED_IMAGE, "WebP data ends early")
                    : new BadInputException(ErrorCode.UNDECODABLE_IMAGE, "WebP frame could not be decoded");
        }
        int[] rgb = new int[(int) (width * height)];
        canvas.getValue().read(0, rgb, 0, rgb.length);
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int i = 0; i < rgb.length; i++) {
            int p = rgb[i]; // R, G, B, A in memory
            rgb[i] = little ? ((p & 0xFF) << 16) | (p & 0xFF00) | ((p >>> 16) & 0xFF) : p >>> 8;
        }
        return new ImageDecoder.Rgb(rgb, (int) width, (int) height);
    }

    private static BadInputException headerFailure(int status) {
        return switch (status) {
            case LibWebpLibrary.VP8_STATUS_NOT_ENOUGH_DATA ->
                new BadInputException(ErrorCode.TRUNCATED_IMAGE, "WebP data ends early (in its header)");
            case LibWebpLibrary.VP8_STATUS_UNSUPPORTED_FEATURE ->
                new BadInputException(ErrorCode.UNSUPPORTED_FORMAT, "WebP uses a feature libwebp does not decode");
            default ->
                new BadInputException(
                        ErrorCode.UNDECODABLE_IMAGE, "WebP header could not be read (libwebp status " + status + ")");
        };
    }
}
