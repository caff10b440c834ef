package io.featurex.bench;

import picocli.CommandLine.Option;

/** How the measured workers are set up: featurex's batching and decoding, the Python peers' threads. */
final class WorkerOptions {

    @Option(
            names = "--batch-max-size",
            paramLabel = "N",
            description = "featurex's batch.max-size and the batched peer's batch. Default: ${DEFAULT-VALUE}.")
    int batchMaxSize = 8;

    @Option(
            names = "--batch-max-delay-ms",
            paramLabel = "MS",
            description = "featurex's batch.max-delay-ms. Default: ${DEFAULT-VALUE}.")
    int batchMaxDelayMs = 0;

    @Option(
            names = "--decode-threads",
            paramLabel = "N",
            description = "featurex's pipeline.decode-threads. Default: ${DEFAULT-VALUE}.")
    int decodeThreads = 2;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "torch.set_num_threads of the Python peers. Default: ${DEFAULT-VALUE}.")
    int threads = 2;
}
