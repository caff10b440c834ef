package io.featurex.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.testing.ExactlyOnce;
import io.featurex.worker.testing.ForkedWorker;
import io.featurex.worker.testing.Load;
import io.featurex.worker.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three worker processes in one group on six partitions; one of them is killed with SIGKILL,
 * three times, mid-stream, and restarted. A read_committed verifier then finds every input id
 * exactly once across features and dead letters.
 */
class CrashIT {

    private static final int INPUTS = 2_000;
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @Test
    void killingWorkersLosesNothingAndDuplicatesNothing() throws Exception {
        String input = TestKafka.newTopic("crash-in", 6);
        String output = TestKafka.newTopic("crash-out", 6);
        String deadLetters = TestKafka.newTopic("crash-dlq", 1);
        Path root = Files.createDirectories(dir.resolve("files"));
        List<String> args = Fleet.runArgs(
                TestKafka.bootstrapServers(), input, output, deadLetters, TestKafka.newGroupId("crash"), root);
        Load load = Load.of(INPUTS, 50, root);

        Path logs = Files.createDirectories(Path.of("target/it-logs/crash-" + System.currentTimeMillis()));
        List<ForkedWorker> workers = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                workers.add(Fleet.worker("crash-worker-" + i, args, logs).start());
            }
            for (ForkedWorker w : workers) {
                w.awaitReady(Duration.ofSeconds(90));
            }
            Thread sender = load.sendInBackground(TestKafka.bootstrapServers(), input, 20);
            Random random = new Random(42);
            List<String> killed = new ArrayList<>();
            for (int k = 0; k < KILLS; k++) {
                Thread.sleep(4_000);
                ForkedWorker victim = workers.get(random.nextInt(workers.size()));
                victim.kill();
                killed.add(victim.id());
                Thread.sleep(1_000);
                victim.start().awaitReady(Duration.ofSeconds(90));
            }
            sender.join(120_000);

            ExactlyOnce result = ExactlyOnce.read(
                    TestKafka.bootstrapServers(), output, deadLetters, load.ids, Duration.ofMinutes(4));
            System.out.println("crash test: killed " + killed + "; " + result);
            assertThat(result.missing(load.ids)).as("lost").isEmpty();
            assertThat(result.duplicated()).as("duplicated").isEmpty();
            assertThat(result.unexpected(load.ids)).isEmpty();
            assertThat(result.deadLetters).isEqualTo(INPUTS / 50);
            for (ForkedWorker w : workers) {
                assertThat(w.isAlive()).as(w.id() + " alive; log " + w.log()).isTrue();
            }
        } finally {
            for (ForkedWorker w : workers) {
                w.close();
            }
        }
    }
}
