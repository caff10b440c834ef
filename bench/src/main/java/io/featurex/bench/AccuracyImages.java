package io.featurex.bench;

import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.ModelSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The accuracy set: the golden images (worker/src/test/resources/golden/images) and variants of
 * each (mirrored, rotated, cropped, darker, brighter, grey, noisy), so that every image has near
 * neighbours and far ones and recall@10 means something. Made in memory from a seed: the same set
 * on every run.
 *
 * @param names  one per image: "file#variant"
 * @param inputs the network inputs (224x224 HWC, the given preprocessing)
 */
record AccuracyImages(List<String> names, List<float[]> inputs) {

    static final List<String> VARIANTS =
            List.of("original", "mirror", "rotate-15", "crop-70", "darker", "brighter", "grey", "noise");

    static AccuracyImages of(Path goldenImages, Preprocessing mode) throws IOException {
        List<Path> files;
        try (var list = Files.list(goldenImages)) {
            files = list.sorted().toList();
        }
        List<String> names = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        Random random = new Random(21);
        for (Path file : files) {
            BufferedImage source = ImageIO.read(file.toFile());
            if (source == null) {
                continue; // a format ImageIO cannot read (the worker's own decoders can; not needed here)
            }
            BufferedImage rgb = draw(source.getWidth(), source.getHeight(), g -> g.drawImage(source, 0, 0, null));
            for (String variant : VARIANTS) {
                BufferedImage v = variant(rgb, variant, random);
                names.add(file.getFileName() + "#" + variant);
                inputs.add(mode.toTensor(pixels(v)));
            }
        }
        return new AccuracyImages(List.copyOf(names), List.copyOf(inputs));
    }

    private static BufferedImage variant(BufferedImage img, String variant, Random random) {
        int w = img.getWidth();
        int h = img.getHeight();
        return switch (variant) {
            case "mirror" -> draw(w, h, g -> g.drawImage(img, w, 0, -w, h, null));
            case "rotate-15" ->
                draw(w, h, g -> {
                    g.setColor(Color.GRAY);
                    g.fillRect(0, 0, w, h);
                    g.setTransform(AffineTransform.getRotateInstance(Math.toRadians(15), w / 2.0, h / 2.0));
                    g.drawImage(img, 0, 0, null);
                });
            case "crop-70" -> {
                int cw = Math.max(1, w * 7 / 10);
                int ch = Math.max(1, h * 7 / 10);
                yield draw(cw, ch, g -> g.drawImage(img, -(w - cw) / 2, -(h - ch) / 2, null));
            }
            case "darker" -> map(img, (c, r) -> (int) (c * 0.6), random);
            case "brighter" -> map(img, (c, r) -> Math.min(255, (int) (c * 1.3 + 20)), random);
            case "grey" -> {
                BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int p = img.getRGB(x, y);
                        int l = (299 * (p >> 16 & 0xff) + 587 * (p >> 8 & 0xff) + 114 * (p & 0xff)) / 1000;
                        out.setRGB(x, y, l << 16 | l << 8 | l);
                    }
                }
                yield out;
            }
            case "noise" -> map(img, (c, r) -> Math.max(0, Math.min(255, c + (int) (r.nextGaussian() * 20))), random);
            default -> img;
        };
    }

    private interface Painter {
        void paint(Graphics2D g);
    }

    private static BufferedImage draw(int w, int h, Painter painter) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        painter.paint(g);
        g.dispose();
        return out;
    }

    private interface Channel {
        int apply(int value, Random random);
    }

    private static BufferedImage map(BufferedImage img, Channel f, Random random) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int r = f.apply(p >> 16 & 0xff, random);
                int g = f.apply(p >> 8 & 0xff, random);
                int b = f.apply(p & 0xff, random);
                out.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return out;
    }

    /** Stretched to the network's input (bilinear): both networks see the same pixels, which is all that matters. */
    private static int[] pixels(BufferedImage img) {
        int size = ModelSpec.INPUT_SIZE;
        BufferedImage scaled = draw(size, size, g -> g.drawImage(img, 0, 0, size, size, null));
        return scaled.getRGB(0, 0, size, size, null, 0, size);
    }
}
