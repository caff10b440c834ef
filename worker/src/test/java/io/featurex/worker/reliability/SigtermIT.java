package io.featurex.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.testing.ExactlyOnce;
import io.featurex.worker.testing.ForkedWorker;
import io.featurex.worker.testing.Load;
import io.featurex.worker.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under load: the worker drains (finishes the batch in the model, commits it, leaves the
 * group) and exits within its deadline; restarted, it finishes the rest: nothing lost, nothing twice.
 */
class SigtermIT {

    private static final int INPUTS = 600;

    @Test
    void sigtermDrainsWithinTheDeadlineAndTheRestartLosesNothing() throws Exception {
        String input = TestKafka.newTopic("term-in", 2);
        String output = TestKafka.newTopic("term-out", 2);
        String deadLetters = TestKafka.newTopic("term-dlq", 1);
        Path base = Files.createDirectories(Path.of("target/it-logs/sigterm-" + System.currentTimeMillis()));
        Path root = Files.createDirectories(base.resolve("files"));
        List<String> args = Fleet.runArgs(
                TestKafka.bootstrapServers(), input, output, deadLetters, TestKafka.newGroupId("term"), root);
        Load load = Load.of(INPUTS, 30, root);
        load.send(TestKafka.bootstrapServers(), input, 0);

        try (ForkedWorker worker = Fleet.worker("term-worker", args, base)) {
            worker.start().awaitReady(Duration.ofSeconds(90));
            Thread.sleep(2_000); // under load: the backlog is being worked through
            long started = System.nanoTime();
            int exit = worker.terminate(Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("sigterm test: exit %d after %.2f s (deadline 10 s + JVM exit)%n", exit, seconds);
            // A JVM ended by SIGTERM reports 128 + 15 once its shutdown hooks finish.
            assertThat(exit).as("exit code; log " + worker.log()).isIn(0, 143);
            assertThat(Files.readString(worker.log())).contains("drained and closed in");
            assertThat(seconds).as("drained within the shutdown deadline").isLessThan(15);

            ExactlyOnce partial = ExactlyOnce.read(
                    TestKafka.bootstrapServers(), output, deadLetters, load.ids, Duration.ofSeconds(5));
            System.out.println("sigterm test: before the restart " + partial);
            assertThat(partial.duplicated()).isEmpty();
            assertThat(partial.seen).as("some work was done before SIGTERM").isNotEmpty();

            worker.start().awaitReady(Duration.ofSeconds(90));
            ExactlyOnce result = ExactlyOnce.read(
                    TestKafka.bootstrapServers(), output, deadLetters, load.ids, Duration.ofMinutes(3));
            System.out.println("sigterm test: after the restart " + result);
            assertThat(result.missing(load.ids)).as("lost").isEmpty();
            assertThat(result.duplicated()).as("duplicated").isEmpty();
            assertThat(worker.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        }
    }
}
