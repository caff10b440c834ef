package io.featurex.worker.decode;

import io.featurex.worker.BadInputException;

/**
 * Encoded bytes to network input: decode (first frame), convert to RGB the way PIL's
 * {@code convert('RGB')} does, resize per the policy, and preprocess. JPEGs go to libjpeg-turbo
 * or ImageIO as configured, WebP to libwebp where it is installed, the rest to ImageIO; each
 * gives PIL's pixels. Thread-safe; one instance serves the whole decode pool.
 */
public final class ImageDecoder {

    private final Preprocessing preprocessing;
    private final ResizePolicy resize;
    private final int size;
    private final long maxPixels;
    private final boolean honourExifOrientation;
    private final boolean jpegReduce;
    /** Null: JPEGs go to ImageIO. */
    private final TurboJpeg turbo;
    /** Null: WebP goes to ImageIO (TwelveMonkeys' decoder, not bit-identical to libwebp). */
    private final LibWebp webp;

    private final ImageIoDecoder imageIo = new ImageIoDecoder();

    /**
     * @param jpegReduce decode large JPEGs at a reduced scale that still covers what the resize
     *                   needs: DCT scaling with libjpeg-turbo ({@link DctScale}), subsampling and
     *                   box averaging with ImageIO ({@link JpegReduction})
     * @param turbo      the JPEG decoder; null decodes JPEGs with ImageIO
     * @param webp       the WebP decoder; null decodes WebP with ImageIO
     */
    ImageDecoder(
            Preprocessing preprocessing,
            ResizePolicy resize,
            int size,
            long maxPixels,
            boolean honourExifOrientation,
            boolean jpegReduce,
            TurboJpeg turbo,
            LibWebp webp) {
        this.preprocessing = preprocessing;
        this.resize = resize;
        this.size = size;
        this.maxPixels = maxPixels;
        this.honourExifOrientation = honourExifOrientation;
        this.jpegReduce = jpegReduce;
        this.turbo = turbo;
        this.webp = webp;
    }

    /** @return {@code size x size x 3} floats, channels-last, preprocessed */
    public float[] decode(byte[] bytes) throws BadInputException {
        return preprocessing.toTensor(resized(bytes));
    }

    /**
     * The network input's pixels before preprocessing, as torchvision's transforms or Keras'
     * {@code load_img} leave them: {@code size x size} packed 0xRRGGBB.
     */
    public int[] resized(byte[] bytes) throws BadInputException {
        Rgb image = readRgb(bytes);
        return resize(image.pixels(), image.width(), image.height());
    }

    /** Which decoder takes which format, as the start-up log and the model_info metric show it. */
    public String decoders() {
        return "jpeg=" + (turbo != null ? JpegBackend.TURBO : JpegBackend.IMAGEIO).key() + " webp="
                + (webp != null ? "libwebp" : "imageio");
    }

    /** The decoders in use and where their libraries were loaded from, for the start-up log. */
    public String describe() {
        String reduced = !jpegReduce
                ? ""
                : turbo != null ? ", reduced by DCT scaling" : ", reduced by subsampling + box averaging";
        return "JPEG: " + (turbo != null ? turbo.description() : "ImageIO") + reduced + "; WebP: "
                + (webp != null ? webp.description() : "ImageIO (TwelveMonkeys)");
    }

    /** Decoded pixels, packed 0xRRGGBB, upright if so configured, before any resizing. */
    record Rgb(int[] pixels, int width, int height) {}

    Rgb readRgb(byte[] bytes) throws BadInputException {
        Rgb read = read(bytes);
        int[] rgb = read.pixels();
        int width = read.width();
        int height = read.height();
        // After a reduction: flips and quarter turns commute with it, and act on fewer pixels.
        int orientation = honourExifOrientation ? ExifOrientation.read(bytes) : 1;
        if (orientation > 1) {
            rgb = ExifOrientation.apply(rgb, width, height, orientation);
            if (orientation >= 5) {
                return new Rgb(rgb, height, width);
            }
        }
        return new Rgb(rgb, width, height);
    }

    private Rgb read(byte[] bytes) throws BadInputException {
        int reduceTo = jpegReduce ? resize.neededSide(size) : 0;
        if (turbo != null && ImageSignatures.isJpeg(bytes)) {
            return turbo.decode(bytes, maxPixels, reduceTo);
        }
        if (webp != null && ImageSignatures.isWebp(bytes)) {
            return webp.decode(bytes, maxPixels);
        }
        return imageIo.decode(bytes, maxPixels, reduceTo);
    }

    private int[] resize(int[] rgb, int width, int height) {
        if (resize.fit() == ResizePolicy.Fit.STRETCH) {
            return resample(rgb, width, height, size, size);
        }
        // torchvision: the shorter side becomes 256 (for 224), the longer keeps the aspect, truncated.
        int shorterTarget = ResizePolicy.shorterSideTarget(size);
        int resizedWidth = width <= height ? shorterTarget : (int) ((long) shorterTarget * width / height);
        int resizedHeight = width <= height ? (int) ((long) shorterTarget * height / width) : shorterTarget;
        // Python's round(): half to even (torchvision's CenterCrop), hence rint, not Math.round.
        int top = (int) Math.rint((resizedHeight - size) / 2.0);
        int left = (int) Math.rint((resizedWidth - size) / 2.0);
        if (resize.interpolation() == ResizePolicy.Interpolation.BILINEAR) {
            return Resampler.bilinear(rgb, width, height, resizedWidth, resizedHeight, left, top, size, size);
        }
        int[] scaled = resample(rgb, width, height, resizedWidth, resizedHeight);
        return centerCrop(scaled, resizedWidth, left, top);
    }

    private int[] resample(int[] rgb, int width, int height, int outWidth, int outHeight) {
        if (width == outWidth && height == outHeight) {
            return rgb;
        }
        return resize.interpolation() == ResizePolicy.Interpolation.NEAREST
                ? Resampler.nearest(rgb, width, height, outWidth, outHeight)
                : Resampler.bilinear(rgb, width, height, outWidth, outHeight);
    }

    private int[] centerCrop(int[] rgb, int width, int left, int top) {
        int[] out = new int[size * size];
        for (int y = 0; y < size; y++) {
            System.arraycopy(rgb, (top + y) * width + left, out, y * size, size);
        }
        return out;
    }
}
