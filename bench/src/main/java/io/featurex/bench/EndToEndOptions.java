package io.featurex.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which end-to-end runs the bench makes: how many refs, how often, on which image sets and workers. */
final class EndToEndOptions {

    static final List<String> WORKERS = List.of(
            EndToEndSection.FEATUREX,
            EndToEndSection.FEATUREX_REDUCED,
            EndToEndSection.FEATUREX_INT8,
            EndToEndSection.PYTHON,
            EndToEndSection.NAIVE);

    @Option(
            names = "--refs",
            paramLabel = "N",
            description = "Image refs per end-to-end wave (one worker, one image set). Default: ${DEFAULT-VALUE}.")
    int refs = 100;

    @Option(
            names = "--e2e-rounds",
            paramLabel = "N",
            description =
                    "End-to-end rounds: a wave of every worker on every set, in turn (workers stay up between waves); each row reports its fastest wave. Default: ${DEFAULT-VALUE}.")
    int e2eRounds = 2;

    @Option(
            names = "--sets",
            split = ",",
            paramLabel = "SET",
            description =
                    "Image sets for end-to-end runs: samples, mixed (samples + large photos). Default: ${DEFAULT-VALUE}.")
    List<String> sets = new ArrayList<>(List.of("samples", "mixed"));

    @Option(
            names = "--workers",
            split = ",",
            paramLabel = "W",
            description =
                    "End-to-end workers: featurex, featurex-reduced (featurex with --decode-jpeg-reduce true), featurex-int8 "
                            + "(model.precision=int8 on the same weights quantized by tools/int8), python-batched, "
                            + "python-naive; 'none' skips end-to-end. Default: ${DEFAULT-VALUE}.")
    List<String> workers = new ArrayList<>(WORKERS);

    /** Leaves only the workers to run: none without the section, only featurex's without Python. */
    void keepWorkers(boolean section, boolean python) {
        if (!section) {
            workers.clear();
        }
        workers.removeIf(w -> w.equalsIgnoreCase("none"));
        if (!python) {
            workers.removeIf(w -> !w.startsWith(EndToEndSection.FEATUREX)); // featurex-int8 needs Python only once
        }
    }

    Optional<String> unknownWorker() {
        return workers.stream().filter(w -> !WORKERS.contains(w)).findFirst();
    }
}
