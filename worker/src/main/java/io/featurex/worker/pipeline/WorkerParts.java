package io.featurex.worker.pipeline;

import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.fetch.Fetcher;
import io.featurex.worker.infer.ModelInfo;
import io.featurex.worker.kafka.KafkaClients;
import io.featurex.worker.kafka.TopicLimits;
import io.featurex.worker.sink.OutputLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker is built from, apart from its configuration and model: the Kafka clients, the
 * topics' record limits, the fetch and decode stages. {@link #connect} makes the real ones, the
 * same for every command that runs a worker; a test of the loop's logic gives Kafka's
 * MockConsumer and MockProducer and stages of its own.
 *
 * @param producers makes the producer: once at start, again where one was fenced (exactly-once)
 * @param decoders which decoder takes which format, for the model_info metric
 * @param closing  what to close with the worker, besides the clients
 */
record WorkerParts(
        Consumer<byte[], byte[]> consumer,
        Supplier<Producer<byte[], byte[]>> producers,
        OutputLimits limits,
        Feed.Fetch fetch,
        Feed.Decode decode,
        String decoders,
        List<AutoCloseable> closing) {

    private static final Logger log = LoggerFactory.getLogger(WorkerParts.class);
    private static final Duration LIMITS_TIMEOUT = Duration.ofSeconds(30);

    /** The real parts: every topic limit checked against the settings first, then the clients. */
    static WorkerParts connect(WorkerConfig config, ModelInfo model) {
        OutputLimits limits = readLimits(config, model.dimension());
        ImageDecoder decoder = config.decode().decoderFor(model.preprocessing(), model.inputSize());
        Map<String, Object> producerProperties = KafkaClients.producer(config);
        // Made here once, so that a setting the producer rejects stops the start, not the first publish.
        new ProducerConfig(producerProperties);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(config));
        Fetcher fetcher = new Fetcher(config.fetchLimits(), config.s3(), config.fetchConcurrency());
        log.info("decoding {}", decoder.describe());
        return new WorkerParts(
                consumer,
                () -> new KafkaProducer<>(producerProperties),
                limits,
                fetcher::fetch,
                decoder::decode,
                decoder.decoders(),
                List.of(fetcher));
    }

    /** The topics' record limits against the settings that size outputs: every mismatch at once. */
    private static OutputLimits readLimits(WorkerConfig config, int dimension) {
        List<String> topics = new ArrayList<>(config.inputs().names());
        topics.add(config.outputTopic());
        topics.add(config.deadLetterTopic());
        try (Admin admin = Admin.create(KafkaClients.admin(config))) {
            return OutputLimits.check(config, TopicLimits.maxMessageBytes(admin, topics, LIMITS_TIMEOUT), dimension);
        }
    }
}
