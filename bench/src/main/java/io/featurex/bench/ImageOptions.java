package io.featurex.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The images the bench runs on: the samples (or a folder of the user's) and the large photos it makes. */
final class ImageOptions {

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "Use the images in DIR instead of the demo's built-in samples.")
    Path images;

    @Option(
            names = "--large-photos",
            paramLabel = "N",
            description = "Large photos in the mixed set. Default: ${DEFAULT-VALUE}.")
    int largePhotos = 4;

    @Option(
            names = "--large-size",
            paramLabel = "WxH",
            description = "Size of the large photos. Default: ${DEFAULT-VALUE}.")
    String largeSize = "4000x3000";
}
