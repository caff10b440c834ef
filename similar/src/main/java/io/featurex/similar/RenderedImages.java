package io.featurex.similar;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A varied picture set made from a seed, for benchmark vectors that come from the model rather
 * than from a formula: scenes (a gradient, maybe a texture, a few shapes, each scene its own), and
 * of each scene any number of variants, as a catalogue holds several photos of one thing: cropped
 * and rescaled, mirrored, turned a little, lighter or darker, recompressed. Variant 0 is the scene
 * itself. The same (scene, variant) gives the same JPEG bytes on every run.
 */
final class RenderedImages {

    /**
     * The side scenes are drawn in: larger than the network's 224, so the decoder resizes them as
     * it would photos. Every coordinate below is in these units.
     */
    static final int SIZE = 256;

    private final long seed;
    /** The side of the JPEGs: the same drawing, at SIZE or fewer pixels. */
    private final int pixels;

    RenderedImages(long seed) {
        this(seed, SIZE);
    }

    RenderedImages(long seed, int pixels) {
        if (pixels < 8 || pixels > SIZE) {
            throw new IllegalArgumentException("rendered side " + pixels + " px: 8.." + SIZE);
        }
        this.seed = seed;
        this.pixels = pixels;
    }

    byte[] jpeg(int scene, int variant) {
        SplittableRandom random = new SplittableRandom(mix(scene, variant));
        BufferedImage image = variant == 0 ? scene(scene) : variant(scene(scene), random);
        return encode(image, 0.6f + 0.35f * (float) random.nextDouble());
    }

    private BufferedImage scene(int scene) {
        SplittableRandom r = new SplittableRandom(mix(scene, -1));
        BufferedImage image = new BufferedImage(pixels, pixels, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.scale(pixels / (double) SIZE, pixels / (double) SIZE);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(
                coordinate(r), coordinate(r), colour(r, 255), coordinate(r), coordinate(r), colour(r, 255)));
        g.fillRect(0, 0, SIZE, SIZE);
        texture(g, r);
        int shapes = 2 + r.nextInt(6);
        for (int i = 0; i < shapes; i++) {
            g.setColor(colour(r, 140 + r.nextInt(116)));
            AffineTransform at = new AffineTransform();
            at.translate(coordinate(r), coordinate(r));
            at.rotate(r.nextDouble() * Math.PI);
            Shape shape = at.createTransformedShape(shape(r));
            if (r.nextInt(4) == 0) {
                g.setStroke(new BasicStroke(2 + r.nextInt(10)));
                g.draw(shape);
            } else {
                g.fill(shape);
            }
        }
        g.dispose();
        return image;
    }

    /** None, stripes, a checkerboard or dots, in a colour and at a scale of the scene's own. */
    private static void texture(Graphics2D g, SplittableRandom r) {
        int kind = r.nextInt(4);
        int step = 6 + r.nextInt(30);
        g.setColor(colour(r, 60 + r.nextInt(120)));
        AffineTransform before = g.getTransform();
        g.rotate(r.nextDouble() * Math.PI, SIZE / 2.0, SIZE / 2.0);
        for (int y = -SIZE; y < 2 * SIZE; y += step) {
            for (int x = -SIZE; x < 2 * SIZE; x += step) {
                switch (kind) {
                    case 1 -> {
                        if (x == -SIZE) {
                            g.fillRect(-SIZE, y, 3 * SIZE, step / 2);
                        }
                    }
                    case 2 -> {
                        if (((x + y) / step & 1) == 0) {
                            g.fillRect(x, y, step, step);
                        }
                    }
                    case 3 -> g.fillOval(x, y, step / 2, step / 2);
                    default -> {}
                }
            }
        }
        g.setTransform(before);
    }

    private static Shape shape(SplittableRandom r) {
        double w = 20 + r.nextDouble() * 140;
        double h = 20 + r.nextDouble() * 140;
        return switch (r.nextInt(4)) {
            case 0 -> new Ellipse2D.Double(-w / 2, -h / 2, w, h);
            case 1 -> new Rectangle2D.Double(-w / 2, -h / 2, w, h);
            case 2 -> {
                Path2D.Double p = new Path2D.Double();
                p.moveTo(-w / 2, h / 2);
                p.lineTo(w / 2, h / 2);
                p.lineTo(r.nextDouble() * w - w / 2, -h / 2);
                p.closePath();
                yield p;
            }
            default -> {
                Path2D.Double ring = new Path2D.Double(Path2D.WIND_EVEN_ODD);
                ring.append(new Ellipse2D.Double(-w / 2, -w / 2, w, w), false);
                ring.append(new Ellipse2D.Double(-w / 4, -w / 4, w / 2, w / 2), false);
                yield ring;
            }
        };
    }

    /** Another photo of the same scene: a crop of 65-100% rescaled, maybe mirrored, turned up to 12 degrees, 25% lighter or darker. */
    private BufferedImage variant(BufferedImage scene, SplittableRandom r) {
        double scale = pixels / (double) SIZE;
        BufferedImage out = new BufferedImage(pixels, pixels, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.scale(scale, scale);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, SIZE, SIZE);
        double crop = 0.65 + 0.35 * r.nextDouble();
        double half = SIZE * crop / 2;
        double cx = half + r.nextDouble() * (SIZE - 2 * half);
        double cy = half + r.nextDouble() * (SIZE - 2 * half);
        AffineTransform at = new AffineTransform();
        at.translate(SIZE / 2.0, SIZE / 2.0);
        at.rotate(Math.toRadians(24 * r.nextDouble() - 12));
        at.scale((r.nextBoolean() ? -1 : 1) / crop, 1 / crop);
        at.translate(-cx, -cy);
        at.scale(1 / scale, 1 / scale); // the scene's pixels into SIZE units
        g.drawImage(scene, at, null);
        g.dispose();
        float light = (float) (0.75 + 0.5 * r.nextDouble());
        return new RescaleOp(light, 0, null).filter(out, null);
    }

    private static byte[] encode(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static Color colour(SplittableRandom r, int alpha) {
        return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), alpha);
    }

    private static float coordinate(SplittableRandom r) {
        return (float) (r.nextDouble() * SIZE);
    }

    private long mix(int scene, int variant) {
        return new SplittableRandom(
                        seed ^ (scene * 0x9E3779B97F4A7C15L) ^ ((long) variant << 32 | variant & 0xFFFFFFFFL))
                .nextLong();
    }
}
