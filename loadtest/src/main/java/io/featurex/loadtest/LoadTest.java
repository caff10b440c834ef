package io.featurex.loadtest;

import io.featurex.loadtest.load.RunClock;
import io.featurex.loadtest.load.Sender;
import io.featurex.loadtest.report.Report;
import io.featurex.loadtest.verify.LatencyRecorder;
import io.featurex.loadtest.verify.Ledger;
import io.featurex.loadtest.verify.Timeline;
import io.featurex.loadtest.verify.Verifier;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One run: make sure the topics are there, start the verifier at the end of the output topics,
 * send on schedule, wait for every id (or the drain timeout), then build the report.
 */
public final class LoadTest {

    private final LoadTestConfig config;
    private final PrintStream progressOut;

    public LoadTest(LoadTestConfig config, PrintStream progressOut) {
        this.config = config;
        this.progressOut = progressOut;
    }

    public Report run() throws Exception {
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        common.putAll(config.kafka());
        RunTopics.prepare(common, config);

        String idPrefix = config.runId() + "-";
        LatencyRecorder latency = new LatencyRecorder();

        Properties producerProps = new Properties();
        producerProps.putAll(common);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "featurex-loadtest-sender");
        producerProps.putAll(config.kafka());

        Verifier verifier =
                new Verifier(config.bootstrapServers(), config.outputTopic(), config.deadLetterTopic(), config.kafka());
        RunClock clock;
        Timeline timeline;
        Ledger ledger;
        Sender sender;
        long sendEndNanos;
        long endNanos;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            verifier.seekToEnd();
            // Connect the producer before the clock starts, so the first sends are not late.
            producer.partitionsFor(config.inputTopic());
            clock = RunClock.start();
            timeline = new Timeline(clock.startEpochMillis(), 1000);
            ledger = new Ledger(idPrefix, latency, timeline);
            verifier.startReading(ledger);
            sender = new Sender(
                    producer,
                    config.inputTopic(),
                    config.schedule(),
                    config.count(),
                    config.duration() == null ? -1 : config.duration().toNanos(),
                    config.images(),
                    idPrefix,
                    ledger,
                    timeline,
                    clock);
            Progress progress = new Progress(progressOut, clock, sender, ledger, latency, config);
            Thread sending = new Thread(sender::run, "loadtest-sender");
            sending.setDaemon(true);
            sending.start();
            while (sending.isAlive()) {
                sending.join(progress.intervalMillis());
                verifier.checkHealthy();
                progress.maybePrint(false);
            }
            sendEndNanos = Math.max(sender.lastSendNanos(), clock.startNanos());
            endNanos = drain(ledger, verifier, progress, sendEndNanos);
            progress.maybePrint(true);
        } finally {
            verifier.close();
        }
        return new ReportBuilder(config)
                .build(clock, timeline, latency, ledger, sender, verifier, sendEndNanos, endNanos);
    }

    /** Waits until every sent id arrived (then the grace period) or the drain timeout. */
    private long drain(Ledger ledger, Verifier verifier, Progress progress, long sendEndNanos)
            throws InterruptedException {
        long drainDeadline = sendEndNanos + config.drainTimeout().toNanos();
        long graceEnd = Long.MAX_VALUE;
        long completeAt = 0;
        while (true) {
            long now = System.nanoTime();
            verifier.checkHealthy();
            if (graceEnd == Long.MAX_VALUE && ledger.outstanding() == 0) {
                completeAt = now;
                graceEnd = now + config.grace().toNanos();
            }
            if (now >= graceEnd || now >= drainDeadline) {
                return completeAt != 0 ? completeAt : now;
            }
            progress.maybePrint(false);
            Thread.sleep(Math.max(1, Math.min(100, progress.intervalMillis())));
        }
    }

    static String version() {
        String v = LoadTest.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** A run id: time of day and a random suffix, so ids never collide with another run's. */
    static String newRunId() {
        return String.format(
                Locale.ROOT,
                "lt-%1$tY%1$tm%1$td-%1$tH%1$tM%1$tS-%2$04x",
                ZonedDateTime.now(ZoneOffset.UTC),
                new Random().nextInt(0x10000));
    }
}
