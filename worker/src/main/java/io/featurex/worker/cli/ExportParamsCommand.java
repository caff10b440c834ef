package io.featurex.worker.cli;

import io.featurex.worker.decode.Preprocessing;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.infer.ModelSpec;
import io.featurex.worker.infer.Precision;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes weights as DJL .params: Keras HDF5 converted once, or seeded weights as a file. */
@Command(
        name = "export-params",
        mixinStandardHelpOptions = true,
        description = "Write VGG16 weights as a DJL .params file: a Keras .h5 converted once (--weights), "
                + "or seeded random weights (no --weights) for load tests that need a weights file.")
final class ExportParamsCommand implements Callable<Integer> {

    @Option(
            names = "--weights",
            paramLabel = "FILE",
            description = "Keras .h5 or DJL .params to convert; none: seeded random weights.")
    Path weights;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of random weights. Default: ${DEFAULT-VALUE}.")
    int seed = 42;

    @Option(
            names = "--width-divisor",
            paramLabel = "N",
            description = "Divide every layer's channels by N. Default: ${DEFAULT-VALUE}.")
    int widthDivisor = 1;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The .params file to write.")
    Path out;

    @Override
    public Integer call() {
        ModelSpec spec = new ModelSpec(
                Optional.ofNullable(weights),
                Optional.empty(),
                seed,
                widthDivisor,
                Optional.of(Preprocessing.CAFFE),
                "cpu",
                Precision.FP32,
                ModelSpec.INPUT_SIZE);
        ModelLoader.writeParams(spec, out);
        System.out.println("wrote " + out);
        return 0;
    }
}
