package io.featurex.similar;

/** A query for another metric than the one the HNSW graph was built for. */
public final class UnsupportedMetricException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    UnsupportedMetricException(Metric indexed, Metric asked) {
        super("this index is an HNSW graph built for " + indexed.key() + ", so it cannot rank by " + asked.key()
                + " (a full scan would be seconds per query); ask for metric=" + indexed.key()
                + ", or start similar with --metric " + asked.key() + " or --index exact");
    }
}
