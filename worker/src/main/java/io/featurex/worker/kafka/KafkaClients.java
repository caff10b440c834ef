package io.featurex.worker.kafka;

import io.featurex.worker.config.Delivery;
import io.featurex.worker.config.WorkerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client properties of one worker. The settings the delivery guarantee depends on are applied
 * last, so a pass-through {@code kafka.*} property cannot silently break exactly-once.
 */
public final class KafkaClients {

    private KafkaClients() {}

    public static Map<String, Object> consumer(WorkerConfig config) {
        Map<String, Object> props = base(config);
        // Partitions are paused once they hold their share of pipeline.max-in-flight, between polls: a
        // poll can still bring this many more, so it is kept to a fraction of the bound.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, config.maxInFlight() / 8)));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(config.kafka());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.workerId() + "-consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Inputs written in transactions count only once committed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Cooperative rebalancing: a worker joining or leaving stops only the partitions that move.
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    public static Map<String, Object> producer(WorkerConfig config) {
        Map<String, Object> props = base(config);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A transaction spans one publish, not the inference: a worker killed mid-publish holds
        // read_committed readers back until the broker aborts it, so abort soon (default: 60 s).
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        props.putAll(config.kafka());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.workerId() + "-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        if (config.delivery() == Delivery.EXACTLY_ONCE) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "featurex-" + config.workerId());
        }
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    public static Map<String, Object> admin(WorkerConfig config) {
        Map<String, Object> props = base(config);
        props.putAll(config.kafka());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.workerId() + "-admin");
        return props;
    }

    private static Map<String, Object> base(WorkerConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return props;
    }
}
