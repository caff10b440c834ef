package io.featurex.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.worker.config.WorkerConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequiredAclsTest {

    private static WorkerConfig config(String... pairs) {
        Map<String, String> raw = new HashMap<>();
        raw.put("bootstrap.servers", "kafka-1:9092");
        raw.put("input.topic", "images,uploads");
        raw.put("output.topic", "features");
        raw.put("dead-letter.topic", "dead");
        raw.put("group.id", "fx");
        for (int i = 0; i < pairs.length; i += 2) {
            raw.put(pairs[i], pairs[i + 1]);
        }
        return WorkerConfig.from(raw);
    }

    private static List<String> commands(WorkerConfig config) {
        return RequiredAcls.forRun(config, "User:fx").stream()
                .map(g -> g.command("kafka-1:9092"))
                .toList();
    }

    @Test
    void exactlyOnceNeedsReadWriteDescribeConfigsAndItsTransactionalIds() {
        String prefix = "kafka-acls.sh --bootstrap-server kafka-1:9092 --add --allow-principal User:fx --operation ";
        assertThat(commands(config()))
                .containsExactly(
                        prefix + "Read --topic images",
                        prefix + "Read --topic uploads",
                        prefix + "Read --group fx",
                        prefix + "Write --topic features",
                        prefix + "Write --topic dead",
                        prefix + "DescribeConfigs --topic images",
                        prefix + "DescribeConfigs --topic uploads",
                        prefix + "DescribeConfigs --topic features",
                        prefix + "DescribeConfigs --topic dead",
                        prefix + "Write --transactional-id featurex- --resource-pattern-type prefixed");
    }

    @Test
    void atLeastOnceNeedsNoTransactionalIdAndCreatingTopicsNeedsCreate() {
        List<String> commands = commands(config("delivery", "at-least-once", "topics.create", "true"));
        assertThat(commands).noneMatch(c -> c.contains("--transactional-id"));
        assertThat(commands).filteredOn(c -> c.contains("--operation Create")).hasSize(4);
    }

    @Test
    void thePrincipalIsTheSaslUsername() {
        WorkerConfig config = config(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fx-prod\" password=\"p\";");
        assertThat(AccessCheck.principal(config)).isEqualTo("User:fx-prod");
        assertThat(AccessCheck.principal(config())).isEqualTo("User:<the worker's principal>");
    }
}
