package io.featurex.worker.decode;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * What of these settings changes the network's input compared with the preprocessing mode's
     * framework: part of the model identity, since vectors of differently decoded images are not
     * comparable either. Empty when decoding is the framework's own. The pixel limit refuses
     * images but never changes one, so it is not part of it.
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
            parts.add("jpeg-reduce");
        }
        return String.join(" ", parts);
    }

    public ImageDecoder decoderFor(Preprocessing preprocessing, int size) {
        return new ImageDecoder(preprocessing, resizeFor(preprocessing), size, maxPixels, honourExifOrientation, jpegReduce);
    }
}
