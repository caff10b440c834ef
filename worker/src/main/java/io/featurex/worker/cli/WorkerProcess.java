package io.featurex.worker.cli;

import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.infer.BatchSizeTuner;
import io.featurex.worker.infer.FeatureExtractor;
import io.featurex.worker.infer.ModelLoadException;
import io.featurex.worker.infer.ModelLoader;
import io.featurex.worker.kafka.AccessDeniedException;
import io.featurex.worker.kafka.BrokerUnreachableException;
import io.featurex.worker.kafka.WorkerTopics;
import io.featurex.worker.metrics.Health;
import io.featurex.worker.metrics.MetricsServer;
import io.featurex.worker.metrics.WorkerMetrics;
import io.featurex.worker.pipeline.Worker;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Start-up and shutdown of a worker process: topics, model, metrics, then the loop until SIGTERM. */
final class WorkerProcess {

    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private WorkerProcess() {}

    /** @return the process exit code: 0 after a clean stop, 1 after a fatal error */
    static int runUntilStopped(WorkerConfig config) {
        Health health = new Health();
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        WorkerMetrics metrics = new WorkerMetrics(registry);
        MetricsServer server = null;
        try {
            if (config.metrics().enabled()) {
                server = MetricsServer.start(config.metrics().address(), metrics, health);
                log.info(
                        "metrics on {}:{}/metrics, health on /healthz and /readyz",
                        config.metrics().bindAddress(),
                        server.port());
            }
            WorkerTopics.prepare(config);
            // Counted down once the worker has drained AND closed its clients (left the group,
            // closed the producer): the JVM must not halt before that, or its partitions wait
            // out the session timeout.
            CountDownLatch closed = new CountDownLatch(1);
            try (FeatureExtractor extractor = ModelLoader.load(config.model())) {
                // Closed by hand, not as a resource: the latch must count down after the close.
                Worker worker = new Worker(withBatchSize(config, extractor), extractor, metrics, health);
                long[] stopRequested = new long[1];
                Thread hook = new Thread(
                        () -> {
                            log.info("stopping: finishing the batch in flight (up to {})", config.shutdownTimeout());
                            stopRequested[0] = System.nanoTime();
                            worker.stop();
                            awaitQuietly(closed, config.shutdownTimeout().plusSeconds(5));
                        },
                        "featurex-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    worker.run();
                } finally {
                    worker.close();
                    if (stopRequested[0] != 0) {
                        log.info("drained and closed in {} ms", (System.nanoTime() - stopRequested[0]) / 1_000_000);
                    }
                    closed.countDown();
                }
            }
            return 0;
        } catch (ModelLoadException e) {
            health.set(Health.State.FAILED, e.getMessage());
            // The message names the file and what is wrong with it; the trace is for whoever debugs the loader.
            log.error("cannot start: {}", e.getMessage());
            log.debug("model load failure", e);
            return 1;
        } catch (AccessDeniedException e) {
            health.set(Health.State.FAILED, e.getMessage());
            log.error("{}", e.getMessage());
            for (String command : e.commands()) {
                log.error("  grant it with: {}", command);
            }
            return 1;
        } catch (BrokerUnreachableException e) {
            // One line that says what to fix: the client's own stack trace adds nothing to it.
            health.set(Health.State.FAILED, e.getMessage());
            log.error("{}", e.getMessage());
            return 1;
        } catch (IOException | RuntimeException | Error e) {
            // An Error too (out of memory in a stage, say): the process reports it and exits, never hangs.
            health.set(Health.State.FAILED, e.toString());
            log.error("worker failed: {}", e.toString(), e);
            return 1;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** batch.max-size=auto: measured on the loaded model, before the worker consumes anything. */
    static WorkerConfig withBatchSize(WorkerConfig config, FeatureExtractor extractor) {
        if (!config.batchMaxSize().undecided()) {
            return config;
        }
        BatchSizeTuner.Result result = BatchSizeTuner.tune(
                extractor,
                BatchSizeTuner.cap(extractor.info(), config.maxInFlight()),
                config.batchMaxSize().autoBudget());
        log.info("{}", result.table());
        return config.withMeasuredBatchSize(result.size());
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
