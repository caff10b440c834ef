package io.featurex.worker.decode;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.BadInputException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decoding through ImageIO: every format but WebP when libwebp is present, and JPEG when
 * libjpeg-turbo is not (or {@code decode.jpeg-decoder=imageio}). The JDK's own readers go first:
 * they decode JPEG exactly as PIL's libjpeg does (proven by the golden tests) once the ICC
 * profile is out of the way ({@link JpegIccProfile}). Plugins (TwelveMonkeys) take what the JDK
 * cannot. CMYK and YCCK JPEGs are read as raw samples and converted as PIL converts them
 * ({@link CmykJpeg}). Thread-safe.
 */
final class ImageIoDecoder {

    ImageIoDecoder() {
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    /**
     * The first image (frame) in the bytes, as PIL's {@code convert('RGB')} makes it.
     *
     * @param reduceTo above 0: JPEGs large enough are decoded at a reduced scale keeping both
     *                 sides at least this ({@link JpegReduction}); 0 decodes exactly
     */
    ImageDecoder.Rgb decode(byte[] bytes, long maxPixels, int reduceTo) throws BadInputException {
        byte[] input = JpegIccProfile.strip(bytes);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(input))) {
            List<ImageReader> readers = new ArrayList<>();
            ImageIO.getImageReaders(in).forEachRemaining(readers::add);
            if (readers.isEmpty()) {
                String known = ImageSignatures.knownUnsupported(bytes);
                if (known != null) {
                    throw new BadInputException(
                            ErrorCode.UNSUPPORTED_FORMAT,
                            known + " images are not decoded (JPEG, PNG, GIF, BMP, TIFF, WebP are)");
                }
                throw new BadInputException(
                        ErrorCode.UNDECODABLE_IMAGE,
                        "not an image in any known format (" + bytes.length + " bytes, starting "
                                + ImageSignatures.magic(bytes) + ")");
            }
            readers.sort(Comparator.comparing(
                    (ImageReader r) -> !r.getClass().getName().startsWith("com.sun.imageio")));
            BadInputException failure = null;
            for (ImageReader reader : readers) {
                in.seek(0);
                try {
                    return read(reader, in, input, maxPixels, reduceTo);
                } catch (BadInputException e) {
                    if (e.code() == ErrorCode.TOO_MANY_PIXELS || e.code() == ErrorCode.TRUNCATED_IMAGE) {
                        throw e;
                    }
                    failure = failure == null ? e : failure;
                } finally {
                    reader.dispose();
                }
            }
            if (ImageSignatures.endsEarly(bytes)) {
                throw new BadInputException(
                        ErrorCode.TRUNCATED_IMAGE,
                        failure.getMessage() + " (the file lacks its end marker: cut short)",
                        failure);
            }
            throw failure;
        } catch (IOException e) {
            throw new BadInputException(ErrorCode.UNDECODABLE_IMAGE, "image could not be read: " + e.getMessage(), e);
        }
    }

    private ImageDecoder.Rgb read(ImageReader reader, ImageInputStream in, byte[] bytes, long maxPixels, int reduceTo)
            throws BadInputException {
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
                throw new BadInputException(
                        ErrorCode.TOO_MANY_PIXELS,
                        format + " of " + width + "x" + height + " = " + width * height + " pixels, limit "
                                + maxPixels);
            }
            CmykJpeg.Header jpeg = CmykJpeg.header(bytes);
            boolean fourComponents = jpeg != null && jpeg.components() == 4 && reader.canReadRaster();
            // Planned from the header too; the pixel limit above still applies to the full size.
            // CMYK is converted from raw samples at full size, never reduced.
            JpegReduction reduction = reduceTo > 0 && !fourComponents && ImageSignatures.isJpeg(bytes)
                    ? JpegReduction.plan(width, height, reduceTo)
                    : JpegReduction.NONE;
            int[] rgb;
            int outWidth;
            int outHeight;
            if (fourComponents) {
                Raster samples = reader.readRaster(0, null);
                rgb = CmykJpeg.toRgb(samples, jpeg.isYcck());
                outWidth = samples.getWidth();
                outHeight = samples.getHeight();
            } else {
                BufferedImage image;
                if (reduction.reduces()) {
                    ImageReadParam param = reader.getDefaultReadParam();
                    reduction.configure(param);
                    image = reader.read(0, param);
                } else {
                    image = reader.read(0); // the exact path, exactly as before the option existed
                }
                rgb = toRgb(image);
                outWidth = image.getWidth();
                outHeight = image.getHeight();
            }
            // The JDK's JPEG reader fills a cut-off image with gray and only warns; PIL refuses it.
            for (String warning : warnings) {
                if (mentionsTruncation(warning)) {
                    throw new BadInputException(ErrorCode.TRUNCATED_IMAGE, format + " data ends early: " + warning);
                }
            }
            return reduction.average(new ImageDecoder.Rgb(rgb, outWidth, outHeight));
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof EOFException || mentionsTruncation(t.getMessage())) {
                    throw new BadInputException(ErrorCode.TRUNCATED_IMAGE, format + " data ends early: " + t, e);
                }
            }
            if (e.getMessage() != null && e.getMessage().startsWith("Unsupported")) {
                throw new BadInputException(ErrorCode.UNSUPPORTED_FORMAT, format + ": " + e.getMessage(), e);
            }
            throw new BadInputException(
                    ErrorCode.UNDECODABLE_IMAGE, format + " image could not be decoded: " + e.getMessage(), e);
        }
    }

    private static boolean mentionsTruncation(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("premature end") || m.contains("truncated") || m.contains("end of zlib");
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
                int v = bits == 8
                        ? samples[i]
                        : bits < 8 ? samples[i] * 255 / ((1 << bits) - 1) : Math.min(255, samples[i]);
                samples[i] = (v << 16) | (v << 8) | v;
            }
            return samples;
        }
        if (!(model instanceof IndexColorModel)
                && raster.getSampleModel().getSampleSize(0) == 16
                && raster.getNumBands() >= 3) {
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
        if (raster.getParent() != null
                || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
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
}
