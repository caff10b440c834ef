package io.featurex.worker.decode;

/**
 * What decodes JPEGs ({@code decode.jpeg-decoder}). Both decode exactly as PIL does (the golden
 * tests run over both); they differ in speed, in what they can do besides, and in the reduced
 * decode of {@code decode.jpeg-reduce}.
 */
public enum JpegBackend {
    /** libjpeg-turbo (SIMD, PIL's own library) through its TurboJPEG API ({@link TurboJpeg}). */
    TURBO("turbo"),
    /** The JDK's ImageIO reader (IJG libjpeg 6b, no SIMD), TwelveMonkeys for what it cannot read. */
    IMAGEIO("imageio");

    private final String key;

    JpegBackend(String key) {
        this.key = key;
    }

    /** Configuration spelling. */
    public String key() {
        return key;
    }
}
