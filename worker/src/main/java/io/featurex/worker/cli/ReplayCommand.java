package io.featurex.worker.cli;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.config.ConfigException;
import io.featurex.worker.config.ConfigSources;
import io.featurex.worker.config.Setting;
import io.featurex.worker.replay.DeadLetterReplay;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Dead letters back to their input topics, once what made them fail is mended. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Send dead-lettered inputs back to the topic they were read from (or --to-topic), byte for byte: "
                + "after fixing credentials (ACCESS_DENIED), uploading a late object (OBJECT_NOT_FOUND) or a throttling "
                + "episode (THROTTLED). Reads the dead-letter topic to its current end; its own consumer group remembers "
                + "what was replayed, so a second run sends only newer dead letters.")
final class ReplayCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The worker's properties file: bootstrap.servers, dead-letter.topic and kafka.* (TLS, SASL)"
                    + " come from it and from the FEATUREX_* environment, as for run; flags win.")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Required unless configured.")
    String bootstrapServers;

    @Option(
            names = "--dead-letter-topic",
            paramLabel = "TOPIC",
            description = "Default: dead-letter.topic as configured, else featurex.dead-letters.")
    String deadLetterTopic;

    @Option(
            names = "--code",
            split = ",",
            paramLabel = "CODE",
            description =
                    "Only dead letters with these error codes (e.g. ACCESS_DENIED,THROTTLED). Default: every code.")
    List<String> codes = List.of();

    @Option(
            names = "--to-topic",
            paramLabel = "TOPIC",
            description = "Send all of them here instead of to their own input topics.")
    String toTopic;

    @Option(
            names = "--group",
            paramLabel = "GROUP",
            description = "Consumer group remembering what was replayed. Default: ${DEFAULT-VALUE}.")
    String group = "featurex-replay";

    @Option(names = "--dry-run", description = "List what would be sent; send and commit nothing.")
    boolean dryRun;

    @Option(names = "--kafka", paramLabel = "PROPERTY=VALUE", description = "Kafka client property (SASL, TLS, ...).")
    Map<String, String> kafka = new HashMap<>();

    @Override
    public Integer call() {
        Set<ErrorCode> wanted = new LinkedHashSet<>();
        for (String code : codes) {
            try {
                wanted.add(ErrorCode.valueOf(code.trim()));
            } catch (IllegalArgumentException e) {
                System.err.println("unknown error code '" + code
                        + "'; codes are those of featurex.v1.ErrorCode, e.g. ACCESS_DENIED");
                return 2;
            }
        }
        Map<String, String> flags = new LinkedHashMap<>();
        if (bootstrapServers != null) {
            flags.put(Setting.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        }
        if (deadLetterTopic != null) {
            flags.put(Setting.DEAD_LETTER_TOPIC.key(), deadLetterTopic);
        }
        kafka.forEach((k, v) -> flags.put(Setting.KAFKA_PREFIX + k, v));
        // The worker's layers, so one file (and one Secret in the environment) serves run and replay.
        ConfigSources sources = ConfigSources.layered(configFile, System.getenv(), flags);
        List<String> problems = new ArrayList<>(sources.problems());
        Map<String, String> values = sources.values();
        String bootstrap = values.get(Setting.BOOTSTRAP_SERVERS.key());
        if (bootstrap == null) {
            problems.add(Setting.BOOTSTRAP_SERVERS.key() + " (--bootstrap-servers, "
                    + Setting.BOOTSTRAP_SERVERS.envName() + "): is required");
        }
        if (!problems.isEmpty()) {
            System.err.println(new ConfigException(problems).getMessage());
            return 2;
        }
        String deadLetters =
                values.getOrDefault(Setting.DEAD_LETTER_TOPIC.key(), Setting.DEAD_LETTER_TOPIC.defaultValue());
        Map<String, Object> props = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(Setting.KAFKA_PREFIX)) {
                props.put(k.substring(Setting.KAFKA_PREFIX.length()), v);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        DeadLetterReplay.Summary s = DeadLetterReplay.run(
                props,
                new DeadLetterReplay.Options(deadLetters, wanted, Optional.ofNullable(toTopic), group, dryRun),
                System.out);
        System.out.printf(
                "%s %d input records (%d dead letters matched of %d read; %d more from an input already sent; %d unreadable;"
                        + " %d truncated and gone from the input topic) %s%n",
                dryRun ? "would send" : "sent",
                s.sent(),
                s.matched(),
                s.read(),
                s.sameInput(),
                s.unreadable(),
                s.lost(),
                s.byCode());
        return 0;
    }
}
