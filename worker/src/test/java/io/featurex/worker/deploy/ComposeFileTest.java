package io.featurex.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featurex.worker.config.ConfigSources;
import io.featurex.worker.config.Setting;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.deploy.KubernetesYaml.Manifest;
import io.featurex.worker.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * deploy/compose.yaml as Compose resolves it: workers the worker itself would accept and that
 * run as the Deployment runs them, a Prometheus that scrapes every one of them under the labels
 * the alert rules use, and the broker the tests use. deploy/stack-check.sh runs the stack.
 */
class ComposeFileTest {

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)m)?(?:(\\d+)s)?");

    private JsonNode services;

    @BeforeEach
    void resolve() {
        Compose.assumeInstalled();
        services = Compose.resolved(DeployFiles.path("compose.yaml"), Map.of()).path("services");
    }

    @Test
    void everyWorkerHasAConfigurationTheWorkerAccepts() {
        Map<String, Map<String, String>> workers = workers();
        assertThat(workers).hasSizeGreaterThanOrEqualTo(2);
        Set<String> ids = new HashSet<>();
        Set<String> groups = new HashSet<>();
        for (Map.Entry<String, Map<String, String>> worker : workers.entrySet()) {
            ConfigSources sources = new ConfigSources().environment(worker.getValue());
            assertThat(sources.problems()).as(worker.getKey()).isEmpty();
            WorkerConfig config = WorkerConfig.from(sources.values());
            ids.add(config.workerId());
            groups.add(worker.getValue().get(Setting.GROUP_ID.envName()));
            assertThat(worker.getValue().get(Setting.BOOTSTRAP_SERVERS.envName()))
                    .as(worker.getKey() + " reaches the broker's listener for containers")
                    .isIn(List.of(env("kafka", "KAFKA_ADVERTISED_LISTENERS").split(",")).stream()
                            .map(l -> l.substring(l.indexOf("://") + 3))
                            .toList());
        }
        assertThat(ids).as("worker ids").hasSameSizeAs(workers.keySet());
        assertThat(groups).as("one consumer group").hasSize(1);
        int partitions = Integer.parseInt(workers.values().iterator().next().get(Setting.TOPICS_PARTITIONS.envName()));
        assertThat(partitions).as("input partitions: every worker gets one").isGreaterThanOrEqualTo(workers.size());
    }

    @Test
    void theWorkersRunAsTheDeploymentRunsThem() {
        Deployment deployment = deployment();
        var pod = deployment.getSpec().getTemplate().getSpec();
        String user = pod.getSecurityContext().getRunAsUser() + ":"
                + pod.getSecurityContext().getRunAsGroup();
        String djlCache = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getName().equals("djl-cache"))
                .findFirst()
                .orElseThrow()
                .getMountPath();
        for (Map.Entry<String, Map<String, String>> worker : workers().entrySet()) {
            JsonNode service = services.path(worker.getKey());
            assertThat(service.path("image").asString())
                    .isEqualTo(pod.getContainers().get(0).getImage());
            assertThat(service.path("user").asString()).as(worker.getKey()).isEqualTo(user);
            assertThat(service.path("read_only").asBoolean())
                    .as(worker.getKey())
                    .isTrue();
            assertThat(strings(service.path("cap_drop"))).contains("ALL");
            assertThat(strings(service.path("tmpfs")))
                    .as(worker.getKey() + ": the DJL cache on an executable tmpfs the user owns")
                    .anySatisfy(t -> assertThat(t).startsWith(djlCache + ":").contains("exec", "uid=10001"));
            long shutdownMs = Long.parseLong(worker.getValue().get(Setting.SHUTDOWN_TIMEOUT_MS.envName()));
            assertThat(seconds(service.path("stop_grace_period").asString()) * 1000)
                    .as(worker.getKey() + ": stop_grace_period vs the drain")
                    .isGreaterThanOrEqualTo(shutdownMs + 10_000);
        }
    }

    @Test
    void prometheusScrapesEveryWorkerUnderTheLabelsTheRulesUse() throws Exception {
        Map<String, String> mounts = mounts(services.path("prometheus"));
        Path config = Path.of(mounts.get(configFileArgument()));
        assertThat(config).isEqualTo(DeployFiles.path("compose/prometheus.yml"));
        JsonNode prometheus = KubernetesYaml.MAPPER.readTree(config);

        String rules = prometheus.path("rule_files").get(0).asString();
        Path mountedRules = Path.of(configFileArgument()).resolveSibling(rules);
        assertThat(mounts)
                .containsEntry(
                        mountedRules.toString(),
                        DeployFiles.path("prometheus/" + rules).toString());

        JsonNode job = prometheus.path("scrape_configs").get(0);
        String kubernetesJob = KubernetesYaml.MAPPER
                .readTree(DeployFiles.path("prometheus/prometheus.yml"))
                .path("scrape_configs")
                .get(0)
                .path("job_name")
                .asString();
        assertThat(job.path("job_name").asString()).isEqualTo(kubernetesJob);
        List<String> expected = workers().entrySet().stream()
                .map(w -> w.getKey() + ":" + w.getValue().get(Setting.METRICS_PORT.envName()))
                .toList();
        assertThat(strings(job.path("static_configs").get(0).path("targets")))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(job.path("static_configs").get(0).path("labels").has("namespace"))
                .isTrue();
        List<String> targetLabels = new ArrayList<>();
        job.path("relabel_configs")
                .forEach(r -> targetLabels.add(r.path("target_label").asString()));
        assertThat(targetLabels).as("the rules and the dashboard group by pod").contains("pod");
    }

    @Test
    void promtoolAcceptsTheStacksPrometheusConfiguration(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Promtool.find().isPresent(), Promtool.MISSING);
        // Laid out as the container sees them: the configuration and the rules side by side.
        Map<String, String> mounts = mounts(services.path("prometheus"));
        for (Map.Entry<String, String> mount : mounts.entrySet()) {
            Files.copy(
                    Path.of(mount.getValue()),
                    dir.resolve(Path.of(mount.getKey()).getFileName()));
        }
        Promtool.Result result = Promtool.run(
                dir,
                "check",
                "config",
                Path.of(configFileArgument()).getFileName().toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void theBrokerIsTheKafkaTheTestsUse() {
        assertThat(services.path("kafka").path("image").asString()).isEqualTo(TestKafka.DEFAULT_IMAGE);
        assertThat(env("kafka", "KAFKA_AUTO_CREATE_TOPICS_ENABLE"))
                .as("topics are the workers' to make, with their partition count")
                .isEqualTo("false");
    }

    @Test
    void theFaultRunsClusterReplicatesEverythingAndItsWorkersAreValid() {
        JsonNode cluster = Compose.resolved(DeployFiles.path("compose-cluster.yaml"), Map.of())
                .path("services");
        Map<String, Map<String, String>> workers = workers(cluster);
        assertThat(workers).hasSize(3);
        for (Map.Entry<String, Map<String, String>> worker : workers.entrySet()) {
            ConfigSources sources = new ConfigSources().environment(worker.getValue());
            assertThat(sources.problems()).as(worker.getKey()).isEmpty();
            assertThat(WorkerConfig.from(sources.values()).kafka()).containsKey("session.timeout.ms");
        }
        List<String> brokers = new ArrayList<>();
        cluster.properties().forEach(e -> {
            if (e.getValue().path("environment").has("KAFKA_NODE_ID")) {
                brokers.add(e.getKey());
            }
        });
        assertThat(brokers).hasSize(3);
        for (String broker : brokers) {
            JsonNode env = cluster.path(broker).path("environment");
            for (String replicas : List.of(
                    "KAFKA_DEFAULT_REPLICATION_FACTOR",
                    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")) {
                assertThat(env.path(replicas).asString())
                        .as(broker + " " + replicas)
                        .isEqualTo("3");
            }
            assertThat(env.path("KAFKA_MIN_INSYNC_REPLICAS").asString()).isEqualTo("2");
            assertThat(env.path("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asString())
                    .isEqualTo("2");
            assertThat(env.path("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE").asString())
                    .isEqualTo("false");
            assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asString())
                    .as("every broker is a voter")
                    .contains(env.path("KAFKA_NODE_ID").asString() + "@" + broker + ":");
        }
    }

    /** The services running the worker image, with their environment. */
    private Map<String, Map<String, String>> workers() {
        return workers(services);
    }

    private static Map<String, Map<String, String>> workers(JsonNode services) {
        String image = deployment()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
        Map<String, Map<String, String>> workers = new TreeMap<>();
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            if (service.getValue().path("image").asString().equals(image)) {
                Map<String, String> env = new LinkedHashMap<>();
                service.getValue()
                        .path("environment")
                        .properties()
                        .forEach(e -> env.put(e.getKey(), e.getValue().asString()));
                workers.put(service.getKey(), env);
            }
        }
        return workers;
    }

    private String env(String service, String name) {
        return services.path(service).path("environment").path(name).asString();
    }

    private String configFileArgument() {
        for (String argument : strings(services.path("prometheus").path("command"))) {
            if (argument.startsWith("--config.file=")) {
                return argument.substring("--config.file=".length());
            }
        }
        throw new AssertionError("prometheus has no --config.file");
    }

    /** Container path to host path; Compose 1.x writes a mount as one string, v2 as a mapping. */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode volume : service.path("volumes")) {
            if (volume.isString()) {
                String[] parts = volume.asString().split(":");
                mounts.put(parts[1], parts[0]);
            } else {
                mounts.put(
                        volume.path("target").asString(), volume.path("source").asString());
            }
        }
        return mounts;
    }

    private static List<String> strings(JsonNode list) {
        List<String> values = new ArrayList<>();
        list.forEach(v -> values.add(v.asString()));
        return values;
    }

    private static long seconds(String duration) {
        Matcher m = DURATION.matcher(duration);
        assertThat(m.matches()).as("duration " + duration).isTrue();
        return (m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 60)
                + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
    }

    private static Deployment deployment() {
        return KubernetesYaml.read(DeployFiles.path("k8s/base/deployment.yaml")).stream()
                .map(Manifest::object)
                .map(Deployment.class::cast)
                .findFirst()
                .orElseThrow();
    }
}
