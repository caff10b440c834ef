package io.featurex.worker.decode;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * JPEG decoding by libjpeg-turbo, the library PIL decodes JPEGs with, through its TurboJPEG API
 * ({@code libturbojpeg.so.0}) bound with JNA. With the accurate (ISLOW) IDCT and libjpeg's
 * default fancy upsampling, the pixels are PIL's bit for bit, SIMD-fast.
 *
 * <p>Why JNA straight to TurboJPEG rather than imageio-turbojpeg (JNR-FFI): that plugin's reader
 * decodes to 3-byte BGR only (no CMYK/YCCK samples, which PIL's conversion needs), reports
 * errors without telling libjpeg's warnings from its fatal errors (a truncated file is only a
 * warning, a corrupt marker may be one too), and brings JNR-FFI, its ASM and Guava; JNA is
 * already on the classpath (DJL's own native loading uses it), and the seven C functions needed
 * are declared in {@link TurboJpegLibrary}. Java 17 has no FFM API.
 *
 * <p>Hostile bytes cannot crash the JVM through here: the header is read first and the pixel
 * limit applied to it before anything is allocated, the output buffer is sized from that header
 * (TurboJPEG never writes beyond {@code pitch * height}), every call's result is checked, and
 * libjpeg's errors come back as return codes (TurboJPEG's setjmp handler), never as aborts.
 * Thread-safe: a TurboJPEG handle serves one decode and is destroyed after it; each decode
 * thread keeps one output buffer ({@link #REUSED_BUFFER_BYTES} at most).
 */
final class TurboJpeg {

    /**
     * ISLOW, as PIL's libjpeg defaults to (TurboJPEG's own default is not promised); and a cap on
     * progressive scans (libjpeg-turbo's 500), which PIL lacks: a legitimate JPEG has about 10,
     * thousands of tiny scans are a known way to make a small file cost minutes of CPU.
     */
    private static final int FLAGS = TurboJpegLibrary.TJFLAG_ACCURATEDCT | TurboJpegLibrary.TJFLAG_LIMITSCANS;
    /** Four bytes a pixel laid out so that one native int reads as 0xXXRRGGBB. */
    private static final int PACKED_FORMAT = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
            ? TurboJpegLibrary.TJPF_BGRX
            : TurboJpegLibrary.TJPF_XRGB;

    /**
     * Output buffers up to this size are kept per decode thread and reused: a fresh 48 MB buffer
     * for a 12-megapixel photo costs about 30 ms of page faults here, a quarter of its decode.
     * Larger images (over 16 megapixels) get a buffer of their own, freed after.
     */
    static final long REUSED_BUFFER_BYTES = 64L << 20;

    private final TurboJpegLibrary tj;
    private final String file;
    private final ThreadLocal<Memory> reused = new ThreadLocal<>();

    private TurboJpeg(TurboJpegLibrary tj, String file) {
        this.tj = tj;
        this.file = file;
    }

    /** What a load attempt found: the decoder, or why there is none. Loaded once per JVM. */
    record Load(TurboJpeg decoder, String description) {

        boolean loaded() {
            return decoder != null;
        }
    }

    private static final class Holder {
        static final Load LOAD = load();

        private static Load load() {
            NativeLibraryLoad<TurboJpegLibrary> library =
                    NativeLibraryLoad.load(TurboJpegLibrary.class, "libturbojpeg.so.0", "turbojpeg");
            if (!library.loaded()) {
                return new Load(null, "libturbojpeg could not be loaded (" + library.description() + ")");
            }
            String missing = DctScale.missingFrom(scalingFactors(library.library()));
            if (missing != null) {
                return new Load(null, library.description() + " lacks the DCT scaling factors " + missing);
            }
            return new Load(new TurboJpeg(library.library(), library.description()), library.description());
        }
    }

    static Load load() {
        return Holder.LOAD;
    }

    /** "libjpeg-turbo (path)": for the start-up log. */
    String description() {
        return "libjpeg-turbo (" + file + ")";
    }

    private static int[][] scalingFactors(TurboJpegLibrary tj) {
        IntByReference count = new IntByReference();
        Pointer factors = tj.tjGetScalingFactors(count);
        if (factors == null || count.getValue() <= 0) {
            return new int[0][];
        }
        int[] flat = factors.getIntArray(0, count.getValue() * 2);
        int[][] out = new int[count.getValue()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[] {flat[2 * i], flat[2 * i + 1]};
        }
        return out;
    }

    /**
     * Decodes the whole image, or with {@code reduceTo > 0} at the smallest DCT scale that keeps
     * both sides at least {@code reduceTo} ({@link DctScale}).
     *
     * @param maxPixels refused above this many pixels at full size, before decoding
     */
    ImageDecoder.Rgb decode(byte[] jpeg, long maxPixels, int reduceTo) throws BadInputException {
        try (Memory source = new Memory(jpeg.length)) {
            source.write(0, jpeg, 0, jpeg.length);
            NativeLong size = new NativeLong(jpeg.length);
            Pointer handle = tj.tjInitDecompress();
            if (handle == null) {
                throw new IllegalStateException("tjInitDecompress failed: " + tj.tjGetErrorStr2(null));
            }
            try {
                return decode(handle, source, size, jpeg, maxPixels, reduceTo);
            } finally {
                tj.tjDestroy(handle);
            }
        }
    }

    private ImageDecoder.Rgb decode(
            Pointer handle, Memory source, NativeLong size, byte[] jpeg, long maxPixels, int reduceTo)
            throws BadInputException {
        IntByReference width = new IntByReference();
        IntByReference height = new IntByReference();
        IntByReference subsampling = new IntByReference();
        IntByReference colorspace = new IntByReference();
        if (tj.tjDecompressHeader3(handle, source, size, width, height, subsampling, colorspace) != 0) {
            check(handle, jpeg);
        }
        long w = width.getValue();
        long h = height.getValue();
        if (w <= 0 || h <= 0) {
            throw new BadInputException(
                    ErrorCode.UNDECODABLE_IMAGE, "JPEG header gives no image size (" + w + "x" + h + ")");
        }
        // Refused from the header alone, before a single pixel is allocated.
        if (w * h > maxPixels) {
            throw new BadInputException(
                    ErrorCode.TOO_MANY_PIXELS,
                    "JPEG of " + w + "x" + h + " = " + w * h + " pixels, limit " + maxPixels);
        }
        DctScale scale = reduceTo > 0 ? DctScale.plan(w, h, reduceTo) : DctScale.NONE;
        int outWidth = scale.scaled(w);
        int outHeight = scale.scaled(h);
        long pixels = (long) outWidth * outHeight;
        if (pixels > Integer.MAX_VALUE - 8) {
            throw new BadInputException(
                    ErrorCode.TOO_MANY_PIXELS, "JPEG of " + w + "x" + h + " is larger than one array can hold");
        }
        boolean cmyk = colorspace.getValue() == TurboJpegLibrary.TJCS_CMYK
                || colorspace.getValue() == TurboJpegLibrary.TJCS_YCCK;
        // libjpeg converts YCCK to CMYK itself; PIL then converts CMYK naively, as CmykJpeg does.
        int format = cmyk ? TurboJpegLibrary.TJPF_CMYK : PACKED_FORMAT;
        Memory out = outputBuffer(pixels * 4);
        try {
            if (tj.tjDecompress2(handle, source, size, out, outWidth, outWidth * 4, outHeight, format, FLAGS) != 0) {
                check(handle, jpeg);
            }
            int[] rgb = new int[(int) pixels];
            if (cmyk) {
                byte[] row = new byte[outWidth * 4];
                for (int y = 0; y < outHeight; y++) {
                    out.read((long) y * row.length, row, 0, row.length);
                    CmykJpeg.toRgb(row, rgb, y * outWidth);
                }
            } else {
                out.read(0, rgb, 0, rgb.length);
                for (int i = 0; i < rgb.length; i++) {
                    rgb[i] &= 0xFFFFFF; // the X byte
                }
            }
            return new ImageDecoder.Rgb(rgb, outWidth, outHeight);
        } finally {
            if (out != reused.get()) {
                out.close();
            }
        }
    }

    /** This thread's kept buffer when it is large enough (grown to fit up to the cap), else a new one. */
    private Memory outputBuffer(long bytes) {
        if (bytes > REUSED_BUFFER_BYTES) {
            return new Memory(bytes);
        }
        Memory kept = reused.get();
        if (kept == null || kept.size() < bytes) {
            if (kept != null) {
                kept.close();
            }
            kept = new Memory(bytes);
            reused.set(kept);
        }
        return kept;
    }

    /**
     * After a call returned -1: libjpeg's warnings leave a complete image behind and PIL accepts
     * them (e.g. extraneous bytes before a marker), except running out of data, where libjpeg
     * fills the rest with gray and PIL refuses the file. Fatal errors always throw.
     */
    private void check(Pointer handle, byte[] jpeg) throws BadInputException {
        String message = tj.tjGetErrorStr2(handle);
        boolean warning = tj.tjGetErrorCode(handle) == TurboJpegLibrary.TJERR_WARNING;
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("premature end")) {
            throw new BadInputException(ErrorCode.TRUNCATED_IMAGE, "JPEG data ends early: " + message);
        }
        if (warning) {
            return;
        }
        if (ImageSignatures.endsEarly(jpeg)) {
            throw new BadInputException(
                    ErrorCode.TRUNCATED_IMAGE,
                    "JPEG could not be decoded: " + message + " (the file lacks its end marker: cut short)");
        }
        if (m.contains("unsupported")) {
            throw new BadInputException(ErrorCode.UNSUPPORTED_FORMAT, "JPEG: " + message);
        }
        throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE, "JPEG image could not be decoded: " + message);
    }
}
