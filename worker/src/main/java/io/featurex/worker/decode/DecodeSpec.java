package io.featurex.worker.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decoding settings. The resize follows the model's preprocessing mode unless overridden.
 *
 * @param fit                   empty: as the preprocessing mode's framework does it
 * @param interpolation         empty: as the preprocessing mode's framework does it
 * @param honourExifOrientation rotate/flip per the EXIF orientation tag (Keras and PIL ignore it)
 * @param maxPixels             larger images are refused from their header
 * @param jpegReduce            decode large JPEGs at a reduced scale (faster, not PIL-exact)
 * @param jpegDecoder           empty (auto): libjpeg-turbo when it loads, else ImageIO
 */
public record DecodeSpec(
        Optional<ResizePolicy.Fit> fit,
        Optional<ResizePolicy.Interpolation> interpolation,
        boolean honourExifOrientation,
        long maxPixels,
        boolean jpegReduce,
        Optional<JpegBackend> jpegDecoder) {

    private static final Logger log = LoggerFactory.getLogger(DecodeSpec.class);
    private static final AtomicBoolean WARNED_JPEG = new AtomicBoolean();
    private static final AtomicBoolean WARNED_WEBP = new AtomicBoolean();

    public static DecodeSpec defaults(long maxPixels) {
        return new DecodeSpec(Optional.empty(), Optional.empty(), false, maxPixels, false, Optional.empty());
    }

    public DecodeSpec withJpegDecoder(JpegBackend backend) {
        return new DecodeSpec(fit, interpolation, honourExifOrientation, maxPixels, jpegReduce, Optional.of(backend));
    }

    public DecodeSpec withJpegReduce(boolean reduce) {
        return new DecodeSpec(fit, interpolation, honourExifOrientation, maxPixels, reduce, jpegDecoder);
    }

    public ResizePolicy resizeFor(Preprocessing preprocessing) {
        ResizePolicy base = preprocessing.defaultResize();
        return new ResizePolicy(fit.orElse(base.fit()), interpolation.orElse(base.interpolation()));
    }

    /** What decodes JPEGs: as configured, or (auto) libjpeg-turbo when its library loads. */
    public JpegBackend jpegBackend() {
        return jpegDecoder.orElse(turboLoad().loaded() ? JpegBackend.TURBO : JpegBackend.IMAGEIO);
    }

    /** @return null when libjpeg-turbo loads in this JVM, else why it does not */
    public static String turboMissing() {
        return turboLoad().loaded() ? null : turboLoad().description();
    }

    /** @return null when libwebp loads in this JVM, else why it does not */
    public static String webpMissing() {
        return webpLoad().loaded() ? null : webpLoad().description();
    }

    private static TurboJpeg.Load turboLoad() {
        return TurboJpeg.load();
    }

    private static LibWebp.Load webpLoad() {
        return LibWebp.load();
    }

    /**
     * What of these settings changes the network's input compared with the preprocessing mode's
     * framework: part of the model identity, since vectors of differently decoded images are not
     * comparable either. Empty when decoding is the framework's own. The pixel limit refuses
     * images but never changes one, and the JPEG decoder gives PIL's pixels either way, so
     * neither is part of it; but the two reduced decodes differ, so the reduction names its kind.
     */
    public String identity(Preprocessing preprocessing) {
        ResizePolicy framework = preprocessing.defaultResize();
        ResizePolicy used = resizeFor(preprocessing);
        List<String> parts = new ArrayList<>();
        if (used.fit() != framework.fit()) {
            parts.add("resize=" + used.fit().key());
        }
        if (used.interpolation() != framework.interpolation()) {
            parts.add("interpolation=" + used.interpolation().key());
        }
        if (honourExifOrientation) {
            parts.add("exif-orientation");
        }
        if (jpegReduce) {
            parts.add(jpegBackend() == JpegBackend.TURBO ? "jpeg-reduce=dct" : "jpeg-reduce=subsample");
        }
        return String.join(" ", parts);
    }

    /**
     * @throws IllegalStateException when {@code decode.jpeg-decoder=turbo} and libjpeg-turbo does
     *                               not load (the worker's configuration refuses that earlier)
     */
    public ImageDecoder decoderFor(Preprocessing preprocessing, int size) {
        TurboJpeg.Load turbo = turboLoad();
        TurboJpeg jpeg = null;
        if (jpegBackend() == JpegBackend.TURBO) {
            if (!turbo.loaded()) {
                throw new IllegalStateException("decode.jpeg-decoder=turbo, but " + turbo.description());
            }
            jpeg = turbo.decoder();
        } else if (jpegDecoder.isEmpty() && WARNED_JPEG.compareAndSet(false, true)) {
            log.warn(
                    "decode.jpeg-decoder=auto: {}; JPEGs are decoded with ImageIO (PIL-exact, without SIMD: slower). "
                            + "Install libturbojpeg0 (Debian) or libturbojpeg (Ubuntu)",
                    turbo.description());
        }
        LibWebp.Load webp = webpLoad();
        if (!webp.loaded() && WARNED_WEBP.compareAndSet(false, true)) {
            log.warn(
                    "{}; WebP is decoded with TwelveMonkeys' decoder, close to PIL's libwebp but not bit-identical. "
                            + "Install libwebp7 and libwebpdemux2",
                    webp.description());
        }
        return new ImageDecoder(
                preprocessing,
                resizeFor(preprocessing),
                size,
                maxPixels,
                honourExifOrientation,
                jpegReduce,
                jpeg,
                webp.decoder());
    }
}
