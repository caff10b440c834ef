package io.featurex.loadtest;

import io.featurex.loadtest.load.ImageSource;
import io.featurex.loadtest.load.RateSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One load test run, fully described.
 *
 * @param count          refs to send, or -1 (then {@code duration} bounds the run)
 * @param duration       how long to send, or null (then {@code count} bounds the run)
 * @param createTopics   create missing topics with {@code partitions} partitions (else wait for them)
 * @param drainTimeout   after the last send, how long to wait for outputs still missing
 * @param grace          after the last id arrived, how long to keep reading for late duplicates
 * @param eventsFile     lines "epoch-millis label" (a worker joined, left) appended during the run; may be null
 * @param pauseWindow    how long after each event to look for the longest pause in output
 * @param progressEvery  progress line interval; zero for none
 */
public record LoadTestConfig(
        String bootstrapServers,
        String inputTopic,
        String outputTopic,
        String deadLetterTopic,
        RateSchedule schedule,
        long count,
        Duration duration,
        ImageSource images,
        String imagesDescription,
        boolean inline,
        int badEvery,
        boolean createTopics,
        int partitions,
        Duration drainTimeout,
        Duration grace,
        Path eventsFile,
        Duration pauseWindow,
        Duration progressEvery,
        String runId,
        List<String> notes,
        String command,
        Map<String, String> kafka) {}
