package io.featurex.worker.config;

import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.JpegBackend;
import io.featurex.worker.decode.ResizePolicy;
import java.util.Optional;

/** The decode.* settings, read into what the decoders take. */
final class DecodeSettings {

    private DecodeSettings() {}

    static DecodeSpec from(SettingReader r) {
        Optional<ResizePolicy.Fit> fit =
                r.auto(Setting.DECODE_RESIZE, ResizePolicy.Fit.values(), ResizePolicy.Fit::key);
        Optional<ResizePolicy.Interpolation> interpolation = r.auto(
                Setting.DECODE_INTERPOLATION, ResizePolicy.Interpolation.values(), ResizePolicy.Interpolation::key);
        boolean exif = r.bool(Setting.DECODE_EXIF_ORIENTATION);
        boolean jpegReduce = r.bool(Setting.DECODE_JPEG_REDUCE);
        Optional<JpegBackend> jpegDecoder = r.auto(Setting.DECODE_JPEG_DECODER, JpegBackend.values(), JpegBackend::key);
        if (jpegDecoder.equals(Optional.of(JpegBackend.TURBO)) && DecodeSpec.turboMissing() != null) {
            r.problem(
                    Setting.DECODE_JPEG_DECODER,
                    "is turbo, but " + DecodeSpec.turboMissing()
                            + ": install libturbojpeg0 (Debian) or libturbojpeg (Ubuntu), or use auto or imageio");
        }
        long maxPixels = r.longValue(Setting.DECODE_MAX_PIXELS, 1, Long.MAX_VALUE);
        return new DecodeSpec(fit, interpolation, exif, maxPixels, jpegReduce, jpegDecoder);
    }
}
