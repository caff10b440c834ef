package io.featurex.loadtest.load;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.featurex.v1.ImageRef;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The images the load test refers to: the files of a folder, or JPEGs it generates, used round
 * robin. Each ref is a {@code file:} URI (the worker needs the folder in {@code fetch.file-roots})
 * or, with {@code inline}, the bytes themselves. Every {@code badEvery}-th ref (when > 0) names
 * a file that does not exist, to exercise the dead-letter path (FILE_NOT_FOUND).
 */
public final class ImageSource {

    private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    private final List<Path> files;
    private final byte[][] inlineBytes;
    private final int badEvery;
    private final Path missing;

    private ImageSource(List<Path> files, boolean inline, int badEvery) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        this.files = files;
        this.badEvery = badEvery;
        this.missing = files.get(0).getParent().resolve("featurex-loadtest-missing-image.jpg");
        if (inline) {
            inlineBytes = new byte[files.size()][];
            for (int i = 0; i < files.size(); i++) {
                try {
                    inlineBytes[i] = Files.readAllBytes(files.get(i));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        } else {
            inlineBytes = null;
        }
    }

    /** The image files of {@code dir} (not recursive), in name order. */
    public static ImageSource folder(Path dir, boolean inline, int badEvery) throws IOException {
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir.toAbsolutePath())) {
            files = entries.filter(Files::isRegularFile)
                    .filter(ImageSource::isImage)
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files (" + EXTENSIONS + ") in " + dir);
        }
        return new ImageSource(files, inline, badEvery);
    }

    /**
     * Generates {@code count} distinct {@code size}x{@code size} JPEGs (seeded gradients and
     * shapes) into {@code dir}, reusing ones already there, and uses them.
     */
    public static ImageSource generated(Path dir, int count, int size, boolean inline, int badEvery)
            throws IOException {
        Files.createDirectories(dir);
        Path abs = dir.toAbsolutePath();
        Path[] files = new Path[count];
        for (int i = 0; i < count; i++) {
            files[i] = abs.resolve(String.format(Locale.ROOT, "generated-%03d-%dpx.jpg", i, size));
            if (!Files.exists(files[i])) {
                Path tmp = Files.createTempFile(abs, ".gen", ".jpg");
                ImageIO.write(draw(i, size), "jpg", tmp.toFile());
                Files.move(tmp, files[i], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return new ImageSource(List.of(files), inline, badEvery);
    }

    static BufferedImage draw(int seed, int size) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(
                    0, 0, new Color(random.nextInt(0xFFFFFF)), size, size, new Color(random.nextInt(0xFFFFFF))));
            g.fillRect(0, 0, size, size);
            for (int i = 0; i < 12; i++) {
                g.setColor(new Color(random.nextInt(0xFFFFFF)));
                int w = 8 + random.nextInt(size / 3);
                int h = 8 + random.nextInt(size / 3);
                int x = random.nextInt(size - w);
                int y = random.nextInt(size - h);
                if (random.nextBoolean()) {
                    g.fillOval(x, y, w, h);
                } else {
                    g.fillRect(x, y, w, h);
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Where the images are: the worker's {@code fetch.file-roots} must include it. */
    public Path folder() {
        return files.get(0).getParent();
    }

    public int size() {
        return files.size();
    }

    /** Whether ref {@code index} is a deliberately bad one. */
    public boolean isBad(long index) {
        return badEvery > 0 && (index + 1) % badEvery == 0;
    }

    /** The ImageRef for send {@code index}. */
    public ImageRef ref(String id, long index, long eventTimeEpochMicros) {
        ImageRef.Builder ref = ImageRef.newBuilder()
                .setId(id)
                .setEventTime(Timestamp.newBuilder()
                        .setSeconds(Math.floorDiv(eventTimeEpochMicros, 1_000_000L))
                        .setNanos((int) Math.floorMod(eventTimeEpochMicros, 1_000_000L) * 1000))
                .putAttributes("loadtest.index", Long.toString(index));
        int which = (int) (index % files.size());
        if (isBad(index)) {
            ref.setUri(missing.toUri().toString());
        } else if (inlineBytes != null) {
            ref.setInline(ByteString.copyFrom(inlineBytes[which]));
        } else {
            ref.setUri(files.get(which).toUri().toString());
        }
        return ref.build();
    }
}
