package io.featurex.worker.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;

/**
 * The largest record batch each topic accepts ({@code max.message.bytes}, the broker's {@code
 * message.max.bytes} where the topic does not override it: describeConfigs reports the value in
 * force either way).
 */
public final class TopicLimits {

    private TopicLimits() {}

    /** @throws IllegalStateException naming the topic when a limit cannot be read */
    public static Map<String, Long> maxMessageBytes(Admin admin, Collection<String> topics, Duration timeout) {
        List<ConfigResource> resources = topics.stream()
                .distinct()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs((int) timeout.toMillis()))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read the configuration of topics " + topics + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "reading the configuration of topics " + topics + " timed out after " + timeout, e);
        } catch (InterruptedException e) {
            throw new InterruptException("interrupted while reading topic configurations", e);
        }
        Map<String, Long> limits = new LinkedHashMap<>();
        for (ConfigResource resource : resources) {
            ConfigEntry entry = configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry == null || entry.value() == null) {
                throw new IllegalStateException(
                        "topic " + resource.name() + " reports no " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            }
            limits.put(resource.name(), Long.parseLong(entry.value()));
        }
        return limits;
    }
}
