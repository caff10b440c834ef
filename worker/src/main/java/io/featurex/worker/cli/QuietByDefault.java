package io.featurex.worker.cli;

/**
 * A command whose results a person reads on the terminal (demo, send, a one-shot similar query):
 * its log, on the same screen, is kept to warnings and errors unless it says otherwise. Services
 * (run, similar serving HTTP, broker) log at INFO, for their operators.
 */
public interface QuietByDefault {

    /** Whether, as parsed, the command keeps its log to warnings (false with --verbose). */
    boolean quiet();
}
