package io.featurex.worker.kafka;

import io.featurex.worker.config.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Before the worker consumes anything: may its principal do all that {@link RequiredAcls} lists?
 * Without this, a missing grant shows up as whichever client call trips on it first, as a bare
 * "Topic authorization failed", or (a transactional id) as a worker that never starts. Asked of
 * the broker itself (authorized operations of the topics and the group, a describe of the
 * transactional id), so what is reported is what is missing, all of it at once.
 */
public final class AccessCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    private AccessCheck() {}

    /** @throws AccessDeniedException naming every grant the principal lacks, with the command that gives it */
    public static void check(Admin admin, WorkerConfig config) {
        String principal = principal(config);
        List<RequiredAcls.Grant> missing = new ArrayList<>();
        List<RequiredAcls.Grant> grants = RequiredAcls.forRun(config, principal);
        List<String> topics = grants.stream()
                .filter(g -> g.binding().pattern().resourceType() == ResourceType.TOPIC)
                .map(g -> g.binding().pattern().name())
                .distinct()
                .toList();
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(
                        topics, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .topicNameValues();
        for (RequiredAcls.Grant grant : grants) {
            String name = grant.binding().pattern().name();
            AclOperation operation = grant.binding().entry().operation();
            boolean allowed = switch (grant.binding().pattern().resourceType()) {
                case TOPIC -> topicAllows(described.get(name), operation);
                case GROUP -> groupAllows(admin, name);
                case TRANSACTIONAL_ID -> transactionalIdAllows(admin, name + config.workerId());
                default -> true;
            };
            if (!allowed) {
                missing.add(grant);
            }
        }
        if (!missing.isEmpty()) {
            throw new AccessDeniedException(principal, missing, config.bootstrapServers());
        }
    }

    /**
     * {@code User:<name>} from a SASL JAAS configuration that gives a username; otherwise a
     * placeholder (mTLS principals and secrets from config providers are not visible here).
     */
    public static String principal(WorkerConfig config) {
        String jaas = config.kafka().get(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas != null) {
            Matcher m = USERNAME.matcher(jaas);
            if (m.find()) {
                return "User:" + m.group(1);
            }
        }
        return "User:<the worker's principal>";
    }

    private static boolean topicAllows(KafkaFuture<TopicDescription> future, AclOperation operation) {
        Answer<TopicDescription> answer = await(future, "describing the topics");
        if (answer.refusal() == null) {
            Set<AclOperation> operations = answer.value().authorizedOperations();
            // No authorizer on the cluster: the broker does not say, and allows everything.
            return operations == null || operations.contains(operation) || operations.contains(AclOperation.ALL);
        }
        if (answer.refusal() instanceof TopicAuthorizationException) {
            // Not even DESCRIBE, which READ and WRITE imply and DESCRIBE_CONFIGS does not: that
            // one cannot be seen until the topic can be described, so only the others are told.
            return operation == AclOperation.DESCRIBE_CONFIGS;
        }
        throw answer.unexpected();
    }

    /** READ on a group implies DESCRIBE, which is what a describe needs: refused means READ is missing. */
    private static boolean groupAllows(Admin admin, String group) {
        Answer<?> answer = await(
                admin.describeConsumerGroups(
                                List.of(group), new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                        .all(),
                "describing group " + group);
        if (answer.refusal() == null || answer.refusal() instanceof GroupIdNotFoundException) {
            return true; // not found: allowed to look, the group is simply new
        }
        if (answer.refusal() instanceof GroupAuthorizationException) {
            return false;
        }
        throw answer.unexpected();
    }

    /** WRITE on a transactional id implies DESCRIBE: refused means WRITE is missing. */
    private static boolean transactionalIdAllows(Admin admin, String transactionalId) {
        Answer<?> answer = await(
                admin.describeTransactions(List.of(transactionalId)).description(transactionalId),
                "describing transactional id " + transactionalId);
        if (answer.refusal() == null || answer.refusal() instanceof TransactionalIdNotFoundException) {
            return true;
        }
        if (answer.refusal() instanceof TransactionalIdAuthorizationException) {
            return false;
        }
        throw answer.unexpected();
    }

    /** What the broker answered: a value, or the error it refused with. */
    private record Answer<T>(T value, Throwable refusal, String what) {
        IllegalStateException unexpected() {
            return new IllegalStateException(what + " failed: " + refusal, refusal);
        }
    }

    /** Waits for one admin answer; a timeout or an interrupt is the check's own failure, not an answer. */
    private static <T> Answer<T> await(KafkaFuture<T> future, String what) {
        try {
            return new Answer<>(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), null, what);
        } catch (ExecutionException e) {
            return new Answer<>(null, e.getCause(), what);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " took longer than " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted " + what, e);
        }
    }
}
