package io.featurex.worker.decode;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The parts of libwebp (decode.h) and libwebpdemux (demux.h) that PIL's WebP decoding goes
 * through, as JNA binds them. The {@code *Internal} entry points are what the headers' inline
 * functions call, with the ABI version the headers were written for (libwebp 1.x).
 */
final class LibWebpLibrary {

    /** decode.h's WEBP_DECODER_ABI_VERSION; libwebp accepts any with the same major byte. */
    static final int DECODER_ABI = 0x0209;
    /** demux.h's WEBP_DEMUX_ABI_VERSION. */
    static final int DEMUX_ABI = 0x0107;

    static final int MODE_RGBA = 1;
    static final int VP8_STATUS_OK = 0;
    static final int VP8_STATUS_UNSUPPORTED_FEATURE = 4;
    static final int VP8_STATUS_NOT_ENOUGH_DATA = 7;

    private LibWebpLibrary() {}

    interface Decode extends Library {
        int WebPGetDecoderVersion();

        int WebPGetFeaturesInternal(Pointer data, SizeT size, BitstreamFeatures features, int version);
    }

    interface Demux extends Library {
        int WebPAnimDecoderOptionsInitInternal(AnimDecoderOptions options, int version);

        Pointer WebPAnimDecoderNewInternal(Data data, AnimDecoderOptions options, int version);

        int WebPAnimDecoderGetInfo(Pointer decoder, AnimInfo info);

        /** The canvas after the next frame: width x height x 4 bytes owned by the decoder. */
        int WebPAnimDecoderGetNext(Pointer decoder, PointerByReference buffer, IntByReference timestamp);

        void WebPAnimDecoderDelete(Pointer decoder);
    }

    /** C's size_t. */
    public static final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    @Structure.FieldOrder({"width", "height", "hasAlpha", "hasAnimation", "format", "pad"})
    public static final class BitstreamFeatures extends Structure {
        public int width;
        public int height;
        public int hasAlpha;
        public int hasAnimation;
        public int format;
        public int[] pad = new int[5];
    }

    @Structure.FieldOrder({"bytes", "size"})
    public static final class Data extends Structure {
        public Pointer bytes;
        public SizeT size;
    }

    @Structure.FieldOrder({"colorMode", "useThreads", "padding"})
    public static final class AnimDecoderOptions extends Structure {
        public int colorMode;
        public int useThreads;
        public int[] padding = new int[7];
    }

    @Structure.FieldOrder({"canvasWidth", "canvasHeight", "loopCount", "bgColor", "frameCount", "pad"})
    public static final class AnimInfo extends Structure {
        public int canvasWidth;
        public int canvasHeight;
        public int loopCount;
        public int bgColor;
        public int frameCount;
        public int[] pad = new int[4];
    }
}
