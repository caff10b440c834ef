package io.featurex.worker.kafka;

import io.featurex.worker.config.Delivery;
import io.featurex.worker.config.WorkerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least a worker's principal must be allowed, derived from its configuration: what the
 * secured-broker tests grant, and what {@code featurex acls} prints for operators. Each grant
 * says why it is needed; anything not listed is not.
 */
public final class RequiredAcls {

    /** The transactional ids of exactly-once workers all start with this (then the worker id). */
    public static final String TRANSACTIONAL_ID_PREFIX = "featurex-";

    public record Grant(AclBinding binding, String why) {

        /** The same grant as a kafka-acls.sh command line. */
        public String command(String bootstrapServers) {
            ResourcePattern resource = binding.pattern();
            String type = switch (resource.resourceType()) {
                case TOPIC -> "--topic";
                case GROUP -> "--group";
                case TRANSACTIONAL_ID -> "--transactional-id";
                case CLUSTER -> "--cluster";
                default -> throw new IllegalStateException("no kafka-acls flag for " + resource.resourceType());
            };
            String target = resource.resourceType() == ResourceType.CLUSTER ? type : type + " " + resource.name();
            String pattern = resource.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "";
            return "kafka-acls.sh --bootstrap-server " + bootstrapServers + " --add --allow-principal "
                    + binding.entry().principal() + " --operation "
                    + camel(binding.entry().operation()) + " "
                    + target + pattern;
        }
    }

    private RequiredAcls() {}

    /** What {@code run} needs with this configuration, for {@code principal} (e.g. {@code User:featurex}). */
    public static List<Grant> forRun(WorkerConfig config, String principal) {
        List<Grant> grants = new ArrayList<>();
        List<String> outputs = List.of(config.outputTopic(), config.deadLetterTopic());
        for (String input : config.inputs().names()) {
            grants.add(grant(principal, AclOperation.READ, ResourceType.TOPIC, input, "consume the input"));
        }
        grants.add(grant(
                principal, AclOperation.READ, ResourceType.GROUP, config.groupId(), "join the group, commit offsets"));
        for (String output : outputs) {
            grants.add(grant(principal, AclOperation.WRITE, ResourceType.TOPIC, output, "publish outputs"));
        }
        List<String> all = new ArrayList<>(config.inputs().names());
        all.addAll(outputs);
        for (String topic : all) {
            grants.add(grant(
                    principal,
                    AclOperation.DESCRIBE_CONFIGS,
                    ResourceType.TOPIC,
                    topic,
                    "read max.message.bytes at start-up, so every output is sized to fit"));
        }
        if (config.createTopics()) {
            for (String topic : all) {
                grants.add(grant(
                        principal,
                        AclOperation.CREATE,
                        ResourceType.TOPIC,
                        topic,
                        "create the topics (topics.create=true)"));
            }
        }
        if (config.delivery() == Delivery.EXACTLY_ONCE) {
            grants.add(new Grant(
                    new AclBinding(
                            new ResourcePattern(
                                    ResourceType.TRANSACTIONAL_ID, TRANSACTIONAL_ID_PREFIX, PatternType.PREFIXED),
                            allow(principal, AclOperation.WRITE)),
                    "commit exactly-once transactions (transactional.id featurex-<worker.id>)"));
        }
        return grants;
    }

    /**
     * What {@code replay} needs: its dead letters, its group, and the input topics it sends them back
     * to (read too, for the originals a dead letter kept only a prefix of).
     */
    public static List<Grant> forReplay(WorkerConfig config, String group, String principal) {
        List<Grant> grants = new ArrayList<>();
        grants.add(grant(
                principal, AclOperation.READ, ResourceType.TOPIC, config.deadLetterTopic(), "read the dead letters"));
        grants.add(grant(principal, AclOperation.READ, ResourceType.GROUP, group, "remember what was replayed"));
        for (String input : config.inputs().names()) {
            grants.add(grant(principal, AclOperation.WRITE, ResourceType.TOPIC, input, "send the inputs back"));
            grants.add(grant(
                    principal, AclOperation.READ, ResourceType.TOPIC, input, "read originals a dead letter truncated"));
        }
        return grants;
    }

    /**
     * What KEDA's Kafka scaler needs to compute the lag it scales on: the group's committed
     * offsets and the input topics' end offsets, which Kafka allows with Describe.
     */
    public static List<Grant> forLagScaler(WorkerConfig config, String principal) {
        List<Grant> grants = new ArrayList<>();
        grants.add(grant(
                principal, AclOperation.DESCRIBE, ResourceType.GROUP, config.groupId(), "read the committed offsets"));
        for (String input : config.inputs().names()) {
            grants.add(grant(principal, AclOperation.DESCRIBE, ResourceType.TOPIC, input, "read the end offsets"));
        }
        return grants;
    }

    /** What {@code similar} needs: it follows the feature topic by assignment, with no group. */
    public static List<Grant> forSimilar(String featureTopic, String principal) {
        return List.of(grant(principal, AclOperation.READ, ResourceType.TOPIC, featureTopic, "index the features"));
    }

    private static Grant grant(String principal, AclOperation operation, ResourceType type, String name, String why) {
        return new Grant(
                new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL), allow(principal, operation)), why);
    }

    private static AccessControlEntry allow(String principal, AclOperation operation) {
        return new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW);
    }

    private static String camel(AclOperation operation) {
        StringBuilder out = new StringBuilder();
        for (String word : operation.name().toLowerCase(Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return out.toString();
    }
}
