package io.featurex.worker.decode;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Encoded bytes to network input: decode (first frame), convert to RGB the way PIL's
 * {@code convert('RGB')} does, resize per the policy, and preprocess. Thread-safe; one instance
 * serves the whole decode pool.
 */
public final class ImageDecoder {

    private final Preprocessing preprocessing;
    private final ResizePolicy resize;
    private final int size;
    private final long maxPixels;
    private final boolean honourExifOrientation;

    public ImageDecoder(Preprocessing preprocessing, ResizePolicy resize, int size, long maxPixels, boolean honourExifOrientation) {
        this.preprocessing = preprocessing;
        this.resize = resize;
        this.size = size;
        this.maxPixels = maxPixels;
        this.honourExifOrientation = honourExifOrientation;
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    /** @return {@code size x size x 3} floats, channels-last, preprocessed */
    public float[] decode(byte[] bytes) throws BadInputException {
        BufferedImage image = read(bytes);
        int[] rgb = toRgb(image);
        int width = image.getWidth();
        int height = image.getHeight();
        int orientation = honourExifOrientation ? ExifOrientation.read(bytes) : 1;
        if (orientation > 1) {
            rgb = ExifOrientation.apply(rgb, width, height, orientation);
            if (orientation >= 5) {
                width = image.getHeight();
                height = image.getWidth();
            }
        }
        return preprocessing.toTensor(resize(rgb, width, height));
    }

    private BufferedImage read(byte[] bytes) throws BadInputException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE,
                        "not an image in any known format (" + bytes.length + " bytes, starting " + magic(bytes) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                // Refused from the header alone, before a single pixel is allocated.
                if (width * height > maxPixels) {
                    throw new BadInputException(ErrorCode.TOO_MANY_PIXELS,
                            width + "x" + height + " = " + width * height + " pixels, limit " + maxPixels);
                }
                return reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE,
                        reader.getFormatName() + " image could not be decoded: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE, "image could not be read: " + e.getMessage(), e);
        }
    }

    private int[] resize(int[] rgb, int width, int height) {
        if (resize.fit() == ResizePolicy.Fit.STRETCH) {
            return resample(rgb, width, height, size, size);
        }
        // torchvision: the shorter side becomes 256 (for 224), the longer keeps the aspect, truncated.
        int shorterTarget = size * 256 / 224;
        int resizedWidth = width <= height ? shorterTarget : (int) ((long) shorterTarget * width / height);
        int resizedHeight = width <= height ? (int) ((long) shorterTarget * height / width) : shorterTarget;
        int[] scaled = resample(rgb, width, height, resizedWidth, resizedHeight);
        return centerCrop(scaled, resizedWidth, resizedHeight);
    }

    private int[] resample(int[] rgb, int width, int height, int outWidth, int outHeight) {
        if (width == outWidth && height == outHeight) {
            return rgb;
        }
        return resize.interpolation() == ResizePolicy.Interpolation.NEAREST
                ? Resampler.nearest(rgb, width, height, outWidth, outHeight)
                : Resampler.bilinear(rgb, width, height, outWidth, outHeight);
    }

    private int[] centerCrop(int[] rgb, int width, int height) {
        // Python's round(): half to even (torchvision's CenterCrop), hence rint, not Math.round.
        int top = (int) Math.rint((height - size) / 2.0);
        int left = (int) Math.rint((width - size) / 2.0);
        int[] out = new int[size * size];
        for (int y = 0; y < size; y++) {
            System.arraycopy(rgb, (top + y) * width + left, out, y * size, size);
        }
        return out;
    }

    /**
     * Packed 0xRRGGBB as PIL's {@code convert('RGB')} makes it: alpha dropped (not composited),
     * palettes looked up (a transparent index keeps its colour), gray copied to R, G and B.
     * Gray samples are taken raw: Java2D's {@code getRGB} would push them through a
     * linear-to-sRGB conversion PIL never applies. 16-bit gray is clipped to 255, not scaled:
     * PIL opens it as 32-bit mode "I", whose conversion clips.
     */
    static int[] toRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        boolean gray = !(model instanceof IndexColorModel) && model.getNumColorComponents() == 1;
        if (gray) {
            int bits = raster.getSampleModel().getSampleSize(0);
            int[] samples = raster.getSamples(0, 0, width, height, 0, (int[]) null);
            for (int i = 0; i < samples.length; i++) {
                int v = bits == 8 ? samples[i] : bits < 8 ? samples[i] * 255 / ((1 << bits) - 1) : Math.min(255, samples[i]);
                samples[i] = (v << 16) | (v << 8) | v;
            }
            return samples;
        }
        if (!(model instanceof IndexColorModel) && raster.getSampleModel().getSampleSize(0) == 16 && raster.getNumBands() >= 3) {
            // 48/64-bit RGB(A): PIL keeps the most significant byte of each sample.
            int[] out = new int[width * height];
            int[] r = raster.getSamples(0, 0, width, height, 0, (int[]) null);
            int[] g = raster.getSamples(0, 0, width, height, 1, (int[]) null);
            int[] b = raster.getSamples(0, 0, width, height, 2, (int[]) null);
            for (int i = 0; i < out.length; i++) {
                out[i] = ((r[i] >>> 8) << 16) | ((g[i] >>> 8) << 8) | (b[i] >>> 8);
            }
            return out;
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < argb.length; i++) {
            argb[i] &= 0xFFFFFF;
        }
        return argb;
    }

    private static String magic(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i]));
        }
        return hex.length() == 0 ? "<empty>" : hex.toString();
    }
}
