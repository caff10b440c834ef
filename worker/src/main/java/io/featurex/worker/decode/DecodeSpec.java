package io.featurex.worker.decode;

import java.util.Optional;

/**
 * Decoding settings. The resize follows the model's preprocessing mode unless overridden.
 *
 * @param fit                   empty: as the preprocessing mode's framework does it
 * @param interpolation         empty: as the preprocessing mode's framework does it
 * @param honourExifOrientation rotate/flip per the EXIF orientation tag (Keras and PIL ignore it)
 * @param maxPixels             larger images are refused from their header
 * @param jpegReduce            decode large JPEGs at a reduced scale (faster, not PIL-exact)
 */
public record DecodeSpec(
        Optional<ResizePolicy.Fit> fit,
        Optional<ResizePolicy.Interpolation> interpolation,
        boolean honourExifOrientation,
        long maxPixels,
        boolean jpegReduce) {

    public static DecodeSpec defaults(long maxPixels) {
        return new DecodeSpec(Optional.empty(), Optional.empty(), false, maxPixels, false);
    }

    public ResizePolicy resizeFor(Preprocessing preprocessing) {
        ResizePolicy base = preprocessing.defaultResize();
        return new ResizePolicy(fit.orElse(base.fit()), interpolation.orElse(base.interpolation()));
    }

    public ImageDecoder decoderFor(Preprocessing preprocessing, int size) {
        return new ImageDecoder(preprocessing, resizeFor(preprocessing), size, maxPixels, honourExifOrientation, jpegReduce);
    }
}
