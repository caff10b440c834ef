package io.featurex.worker.decode;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The part of libjpeg-turbo's TurboJPEG C API (turbojpeg.h, 2.x) that decoding needs, as JNA
 * binds it. {@code unsigned long} sizes are {@link NativeLong}; a {@code tjhandle} is a pointer.
 */
interface TurboJpegLibrary extends Library {

    int TJPF_BGRX = 3;
    int TJPF_XRGB = 5;
    int TJPF_CMYK = 11;

    int TJCS_CMYK = 3;
    int TJCS_YCCK = 4;

    int TJFLAG_ACCURATEDCT = 4096;
    int TJFLAG_LIMITSCANS = 32768;

    int TJERR_WARNING = 0;

    Pointer tjInitDecompress();

    int tjDecompressHeader3(
            Pointer handle,
            Pointer jpegBuf,
            NativeLong jpegSize,
            IntByReference width,
            IntByReference height,
            IntByReference jpegSubsamp,
            IntByReference jpegColorspace);

    /** An array of {num, denom} int pairs, owned by the library. */
    Pointer tjGetScalingFactors(IntByReference numScalingFactors);

    int tjDecompress2(
            Pointer handle,
            Pointer jpegBuf,
            NativeLong jpegSize,
            Pointer dstBuf,
            int width,
            int pitch,
            int height,
            int pixelFormat,
            int flags);

    String tjGetErrorStr2(Pointer handle);

    int tjGetErrorCode(Pointer handle);

    int tjDestroy(Pointer handle);
}
