package io.featurex.bench;

import picocli.CommandLine.Option;

/** The backlog run: featurex's memory with many refs already waiting when it starts. */
final class BacklogOptions {

    @Option(
            names = "--backlog",
            paramLabel = "N",
            description =
                    "Refs waiting before featurex starts, for its memory under backlog; 0 skips. Default: ${DEFAULT-VALUE}.")
    int backlog = 100_000;

    @Option(
            names = "--backlog-outputs",
            paramLabel = "N",
            description = "Outputs to wait for in the backlog run. Default: ${DEFAULT-VALUE}.")
    int backlogOutputs = 80;

    @Option(
            names = "--backlog-latency-ms",
            paramLabel = "MS",
            description =
                    "The backlog's refs are http: URIs of the bench's loopback server answering after this latency; -1: file: refs. Default: ${DEFAULT-VALUE}.")
    int backlogLatencyMs = 50;
}
