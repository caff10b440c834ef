package io.featurex.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.embedded.SampleImages;
import io.featurex.worker.cli.Main;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplesCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheDemoSamplesAndASmallerCat() throws Exception {
        Path images = dir.resolve("fx-images");
        Path small = dir.resolve("cat-small.jpg");
        int code = Main.commandLine().execute("samples", images.toString(), "--small-cat", small.toString());
        assertThat(code).isZero();
        assertThat(SampleImages.inFolder(images))
                .extracting(p -> p.getFileName().toString())
                .hasSize(8)
                .contains("cat.jpg", "cat-crop.jpg", "horse.png");
        BufferedImage cat = ImageIO.read(images.resolve("cat.jpg").toFile());
        BufferedImage smaller = ImageIO.read(small.toFile());
        assertThat(smaller.getWidth()).isEqualTo(Math.round(cat.getWidth() * 0.6f));
        assertThat(smaller.getHeight()).isEqualTo(Math.round(cat.getHeight() * 0.6f));
        // Again over the same folder: the samples are replaced, not refused.
        assertThat(Main.commandLine().execute("samples", images.toString())).isZero();
    }
}
