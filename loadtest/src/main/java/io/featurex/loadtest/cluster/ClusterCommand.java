package io.featurex.loadtest.cluster;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code featurex-loadtest cluster}: what a fault run asks the cluster before it breaks it, through
 * the admin API rather than Kafka's shell tools, which neither the local Kafka image nor a CI
 * machine has.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description =
                "Ask the cluster who leads a partition, who coordinates a transaction, whether it is replicated "
                        + "and how many records of a topic were aborted and how a caught transaction ended; freeze a worker inside a written transaction.",
        subcommands = {
            LeaderCommand.class,
            CoordinatorCommand.class,
            AwaitReplicatedCommand.class,
            AbortedCommand.class,
            CatchWrittenCommand.class,
            OutcomeCommand.class,
            ThawCommand.class
        })
public final class ClusterCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
