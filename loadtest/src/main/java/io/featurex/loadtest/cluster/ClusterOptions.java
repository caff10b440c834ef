package io.featurex.loadtest.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** How to reach the cluster; mixed into every {@code cluster} command. */
final class ClusterOptions {

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]")
    String bootstrapServers;

    @Option(
            names = "--kafka",
            paramLabel = "KEY=VALUE",
            description = "Kafka client property (repeatable), e.g. security settings.")
    Map<String, String> kafka = new LinkedHashMap<>();

    Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // A broker of the list may be the one just killed: fail over quickly, and give up
        // within a fault's time rather than the client's default minute.
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        props.putAll(kafka);
        return props;
    }

    Admin admin() {
        return Admin.create(clientProperties());
    }
}
