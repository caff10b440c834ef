package io.featurex.loadtest.cluster;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cluster coordinator}: the broker id coordinating one transactional id, on stdout. */
@Command(
        name = "coordinator",
        mixinStandardHelpOptions = true,
        description = "Print the id of the broker that is the transaction coordinator of a transactional id.")
final class CoordinatorCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--transactional-id", required = true)
    String transactionalId;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = cluster.admin()) {
            int coordinator = Transactions.describe(admin, transactionalId)
                    .get(30, TimeUnit.SECONDS)
                    .coordinatorId();
            System.out.println(coordinator);
            return 0;
        }
    }
}
