package io.featurex.bench;

import java.util.List;
import java.util.function.Function;

/**
 * How to start one kind of worker against given topics.
 *
 * @param label          as shown in the table
 * @param command        the process's command line for the topics
 * @param metricsPort    where it serves Prometheus /metrics; -1 for none
 */
record WorkerLaunch(String label, Function<Topics, List<String>> command, int metricsPort) {}
