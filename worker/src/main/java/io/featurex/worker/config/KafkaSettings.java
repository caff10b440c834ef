package io.featurex.worker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * How the worker joins the cluster: where it is, the group it shares the input with, its own id
 * and the delivery guarantee.
 *
 * @param properties Kafka client properties passed through, keyed without the {@code kafka.} prefix
 */
public record KafkaSettings(
        String bootstrapServers, String groupId, String workerId, Delivery delivery, Map<String, String> properties) {

    public KafkaSettings {
        properties = Map.copyOf(properties);
    }

    static KafkaSettings from(SettingReader r) {
        String bootstrap = r.text(Setting.BOOTSTRAP_SERVERS);
        String group = r.text(Setting.GROUP_ID);
        String workerId = r.raw(Setting.WORKER_ID);
        if (workerId == null || workerId.isBlank()) {
            workerId = defaultWorkerId();
        }
        Delivery delivery = r.choice(Setting.DELIVERY, Delivery.values(), Delivery::key);
        return new KafkaSettings(bootstrap, group, workerId, delivery, r.prefixed(Setting.KAFKA_PREFIX));
    }

    /**
     * Host name and process id: unique among the workers of one host, and stable when a container
     * restarts its process (same pod name, pid 1), so the restarted worker's transactional id
     * fences its predecessor's unfinished transaction at once instead of waiting it out.
     */
    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
