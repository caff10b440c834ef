package io.featurex.worker.decode;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
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
    private final boolean jpegReduce;

    /**
     * @param jpegReduce decode JPEGs at least twice the size the resize needs at a reduced scale
     *                   ({@link JpegReduction}): faster, not PIL-exact
     */
    public ImageDecoder(Preprocessing preprocessing, ResizePolicy resize, int size, long maxPixels, boolean honourExifOrientation,
            boolean jpegReduce) {
        this.preprocessing = preprocessing;
        this.resize = resize;
        this.size = size;
        this.maxPixels = maxPixels;
        this.honourExifOrientation = honourExifOrientation;
        this.jpegReduce = jpegReduce;
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    /** @return {@code size x size x 3} floats, channels-last, preprocessed */
    public float[] decode(byte[] bytes) throws BadInputException {
        Rgb image = readRgb(bytes);
        return preprocessing.toTensor(resize(image.pixels(), image.width(), image.height()));
    }

    /** Decoded pixels, upright if so configured, before any resizing. */
    record Rgb(int[] pixels, int width, int height) {}

    /** A decoded image and the reduction it was read with (its box averaging still to do). */
    private record Decoded(BufferedImage image, JpegReduction reduction) {}

    Rgb readRgb(byte[] bytes) throws BadInputException {
        Decoded decoded = read(bytes);
        BufferedImage image = decoded.image();
        Rgb read = decoded.reduction().average(new Rgb(toRgb(image), image.getWidth(), image.getHeight()));
        int[] rgb = read.pixels();
        int width = read.width();
        int height = read.height();
        // After the reduction: flips and quarter turns commute with it, and act on fewer pixels.
        int orientation = honourExifOrientation ? ExifOrientation.read(bytes) : 1;
        if (orientation > 1) {
            rgb = ExifOrientation.apply(rgb, width, height, orientation);
            if (orientation >= 5) {
                return new Rgb(rgb, height, width);
            }
        }
        return new Rgb(rgb, width, height);
    }

    /**
     * The first image (frame) in the bytes. The JDK's own readers go first: they decode JPEG
     * exactly as PIL's libjpeg does (proven by the golden tests) and ignore ICC profiles as PIL
     * does. Plugins (TwelveMonkeys) take what the JDK cannot: YCCK JPEG, WebP. CMYK JPEGs are
     * read as raw samples and converted as PIL converts them ({@link CmykJpeg}).
     */
    private Decoded read(byte[] bytes) throws BadInputException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            List<ImageReader> readers = new ArrayList<>();
            ImageIO.getImageReaders(in).forEachRemaining(readers::add);
            if (readers.isEmpty()) {
                String known = knownUnsupported(bytes);
                if (known != null) {
                    throw new BadInputException(ErrorCode.UNSUPPORTED_FORMAT, known + " images are not decoded (JPEG, PNG, GIF, BMP, TIFF, WebP are)");
                }
                throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE,
                        "not an image in any known format (" + bytes.length + " bytes, starting " + magic(bytes) + ")");
            }
            readers.sort(Comparator.comparing((ImageReader r) -> !r.getClass().getName().startsWith("com.sun.imageio")));
            BadInputException failure = null;
            for (ImageReader reader : readers) {
                in.seek(0);
                try {
                    return read(reader, in, bytes);
                } catch (BadInputException e) {
                    if (e.code() == ErrorCode.TOO_MANY_PIXELS || e.code() == ErrorCode.TRUNCATED_IMAGE) {
                        throw e;
                    }
                    failure = failure == null ? e : failure;
                } finally {
                    reader.dispose();
                }
            }
            if (endsEarly(bytes)) {
                throw new BadInputException(ErrorCode.TRUNCATED_IMAGE, failure.getMessage() + " (the file lacks its end marker: cut short)", failure);
            }
            throw failure;
        } catch (IOException e) {
            throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE, "image could not be read: " + e.getMessage(), e);
        }
    }

    private Decoded read(ImageReader reader, ImageInputStream in, byte[] bytes) throws BadInputException {
        String format = reader.getOriginatingProvider() == null
                ? "image"
                : reader.getOriginatingProvider().getFormatNames()[0].toUpperCase(Locale.ROOT);
        List<String> warnings = new ArrayList<>();
        try {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            // Refused from the header alone, before a single pixel is allocated.
            if (width * height > maxPixels) {
                throw new BadInputException(ErrorCode.TOO_MANY_PIXELS,
                        format + " of " + width + "x" + height + " = " + width * height + " pixels, limit " + maxPixels);
            }
            CmykJpeg.Header jpeg = CmykJpeg.header(bytes);
            boolean cmyk = jpeg != null && jpeg.isCmyk() && reader.canReadRaster();
            // Planned from the header too; the pixel limit above still applies to the full size.
            // CMYK is converted from raw samples at full size, never reduced.
            JpegReduction reduction = jpegReduce && !cmyk && isJpeg(bytes)
                    ? JpegReduction.plan(width, height, resize.neededSide(size))
                    : JpegReduction.NONE;
            BufferedImage image;
            if (cmyk) {
                image = CmykJpeg.toRgb(reader.readRaster(0, null), jpeg.adobe());
            } else if (reduction.reduces()) {
                ImageReadParam param = reader.getDefaultReadParam();
                reduction.configure(param);
                image = reader.read(0, param);
            } else {
                image = reader.read(0); // the exact path, exactly as before the option existed
            }
            // The JDK's JPEG reader fills a cut-off image with gray and only warns; PIL refuses it.
            for (String warning : warnings) {
                if (mentionsTruncation(warning)) {
                    throw new BadInputException(ErrorCode.TRUNCATED_IMAGE, format + " data ends early: " + warning);
                }
            }
            return new Decoded(image, reduction);
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof EOFException || mentionsTruncation(t.getMessage())) {
                    throw new BadInputException(ErrorCode.TRUNCATED_IMAGE, format + " data ends early: " + t, e);
                }
            }
            if (e.getMessage() != null && e.getMessage().startsWith("Unsupported")) {
                throw new BadInputException(ErrorCode.UNSUPPORTED_FORMAT, format + ": " + e.getMessage(), e);
            }
            throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE, format + " image could not be decoded: " + e.getMessage(), e);
        }
    }

    /** Image formats recognised by their signature that no installed reader decodes. */
    static String knownUnsupported(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 64), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (head.length() >= 12 && head.startsWith("ftyp", 4)) {
            String brand = head.substring(8, 12);
            if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")) {
                return "HEIF/HEIC";
            }
            if (brand.startsWith("avi")) {
                return "AVIF";
            }
        }
        if (head.startsWith("\0\0\0\fjP  ") || head.startsWith("\u00FFO\u00FFQ")) {
            return "JPEG 2000";
        }
        if (head.startsWith("8BPS")) {
            return "Photoshop";
        }
        if (head.startsWith("\u00FF\n") || head.startsWith("\0\0\0\fJXL ")) {
            return "JPEG XL";
        }
        String text = head.stripLeading().toLowerCase(Locale.ROOT);
        if (text.startsWith("<svg") || (text.startsWith("<?xml") && new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).contains("<svg"))) {
            return "SVG";
        }
        return null;
    }

    /** Starts with a JPEG's SOI marker. */
    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    /** A PNG without its IEND chunk or a JPEG without its EOI marker near the end was cut short. */
    static boolean endsEarly(byte[] b) {
        int n = b.length;
        if (n >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return !(n >= 12 && b[n - 8] == 'I' && b[n - 7] == 'E' && b[n - 6] == 'N' && b[n - 5] == 'D');
        }
        if (n >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            for (int i = n - 2; i >= Math.max(2, n - 1024); i--) {
                if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean mentionsTruncation(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("premature end") || m.contains("truncated") || m.contains("end of zlib");
    }

    private int[] resize(int[] rgb, int width, int height) {
        if (resize.fit() == ResizePolicy.Fit.STRETCH) {
            return resample(rgb, width, height, size, size);
        }
        // torchvision: the shorter side becomes 256 (for 224), the longer keeps the aspect, truncated.
        int shorterTarget = ResizePolicy.shorterSideTarget(size);
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
        int[] packed = packInterleavedBytes(image);
        if (packed != null) {
            return packed;
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < argb.length; i++) {
            argb[i] &= 0xFFFFFF;
        }
        return argb;
    }

    /**
     * The common decoder outputs (3-byte BGR, 4-byte ABGR) read straight from their bytes:
     * {@code getRGB} goes through the colour model pixel by pixel, 180 ms for a 12-megapixel
     * photo against about 20 ms here, for the same values.
     *
     * @return null when the image is laid out otherwise
     */
    private static int[] packInterleavedBytes(BufferedImage image) {
        int type = image.getType();
        if (type != BufferedImage.TYPE_3BYTE_BGR && type != BufferedImage.TYPE_4BYTE_ABGR) {
            return null;
        }
        Raster raster = image.getRaster();
        if (raster.getParent() != null || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)) {
            return null;
        }
        int channels = type == BufferedImage.TYPE_3BYTE_BGR ? 3 : 4;
        int width = image.getWidth();
        if (model.getPixelStride() != channels || model.getScanlineStride() != width * channels) {
            return null;
        }
        byte[] data = buffer.getData();
        int skipAlpha = channels - 3; // ABGR: the alpha byte comes first and is dropped, as PIL does
        int[] rgb = new int[width * image.getHeight()];
        for (int i = 0, o = buffer.getOffset(); i < rgb.length; i++, o += channels) {
            int b = data[o + skipAlpha] & 0xFF;
            int g = data[o + skipAlpha + 1] & 0xFF;
            int r = data[o + skipAlpha + 2] & 0xFF;
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        return rgb;
    }

    private static String magic(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i]));
        }
        return hex.length() == 0 ? "<empty>" : hex.toString();
    }
}
