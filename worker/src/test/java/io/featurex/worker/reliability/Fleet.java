package io.featurex.worker.reliability;

import io.featurex.worker.testing.ForkedWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The run arguments shared by the forked workers of one failure test. */
final class Fleet {

    private Fleet() {}

    static List<String> runArgs(
            String bootstrap, String input, String output, String deadLetters, String group, Path fileRoot) {
        return new ArrayList<>(List.of(
                "--bootstrap-servers",
                bootstrap,
                "--input-topic",
                input,
                "--output-topic",
                output,
                "--dead-letter-topic",
                deadLetters,
                "--group-id",
                group,
                "--model-width-divisor",
                "8",
                "--batch-max-size",
                "8",
                "--fetch-file-roots",
                fileRoot.toAbsolutePath().toString(),
                "--shutdown-timeout-ms",
                "10000",
                // A killed member's partitions move after the session timeout: the broker's minimum.
                "--kafka",
                "session.timeout.ms=6000",
                "--kafka",
                "heartbeat.interval.ms=1000"));
    }

    static ForkedWorker worker(String id, List<String> args, Path logs) throws Exception {
        return new ForkedWorker(id, args, logs);
    }
}
