package io.featurex.worker.infer;

/** Where the network's weights came from. */
public enum WeightsSource {
    /** Seeded random weights: the architecture runs, but the vectors carry no ImageNet meaning. */
    RANDOM,
    /** A DJL {@code .params} file, as written by featurex. */
    DJL_PARAMS
}
