package io.featurex.devkit;

import io.featurex.embedded.SampleImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes the demo's images out, so that the README's walkthrough runs on the same pictures. */
@Command(
        name = "samples",
        mixinStandardHelpOptions = true,
        description = "Write the demo's built-in sample images into a folder (to send to a worker), and "
                + "optionally a smaller, recompressed copy of cat.jpg to query with.")
final class SamplesCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "Folder to write the samples into (made if missing).")
    Path dir;

    @Option(
            names = "--small-cat",
            paramLabel = "FILE",
            description = "Also write cat.jpg at 60 %% size and JPEG quality 40 to FILE: a query image the "
                    + "index has never seen. Keep it out of DIR, or sending DIR sends it too.")
    Path smallCat;

    @Override
    public Integer call() throws Exception {
        Path folder = dir.toAbsolutePath();
        Files.createDirectories(folder);
        List<Path> written = SampleImages.extractBuiltIn(folder);
        System.out.printf("wrote %d sample images to %s%n", written.size(), folder);
        if (smallCat != null) {
            Path cat = folder.resolve("cat.jpg");
            Path target = smallCat.toAbsolutePath();
            SmallerJpeg.write(cat, target, 0.6, 0.4f);
            System.out.printf("wrote %s: cat.jpg at 60 %% size, JPEG quality 40%n", target);
        }
        return 0;
    }
}
