package io.featurex.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.featurex.worker.config.ConfigSources;
import io.featurex.worker.config.Setting;
import io.featurex.worker.config.WorkerConfig;
import io.featurex.worker.deploy.KubernetesYaml.Manifest;
import io.featurex.worker.kafka.KafkaClients;
import io.featurex.worker.kafka.RequiredAcls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * deploy/k8s: every document read into its typed fabric8 class, strictly, and the invariants
 * that hold between files (probes and ports, drain time, autoscaler and worker configuration,
 * selectors) checked, since nothing here can apply them to a cluster.
 */
class ManifestsTest {

    private static final String POD_NAME = "featurex-5d8f7c9b4-x2k7q";

    private static List<Manifest> all;

    @BeforeAll
    static void readManifests() {
        all = KubernetesYaml.readAll(DeployFiles.path("k8s"));
    }

    // ---- parsing ----

    @Test
    void everyDocumentIsReadIntoItsTypedClass() {
        assertThat(all)
                .extracting(Manifest::kind)
                .contains(
                        "Deployment",
                        "ConfigMap",
                        "Secret",
                        "Service",
                        "PodDisruptionBudget",
                        "HorizontalPodAutoscaler",
                        "ScaledObject",
                        "TriggerAuthentication",
                        "Kustomization");
        for (Manifest m : all) {
            Class<? extends HasMetadata> typed =
                    KubernetesYaml.TYPED.get(m.object().getApiVersion() + "/" + m.kind());
            if (typed != null) {
                assertThat(m.object()).as(m.toString()).isInstanceOf(typed);
            } else {
                assertThat(m.object()).as(m.toString()).isInstanceOf(GenericKubernetesResource.class);
            }
        }
    }

    @Test
    void aMisspeltFieldIsAnError() {
        String good = deploymentWith(
                "      terminationGracePeriodSeconds: 45\n", "          env: [{name: A, value: \"1\"}]\n");
        assertThat(KubernetesYaml.parse(good, Path.of("good.yaml"))).hasSize(1);

        assertThatThrownBy(() -> KubernetesYaml.parse(
                        deploymentWith("      terminationGracePeriodSecond: 45\n", ""), Path.of("typo.yaml")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("typo.yaml")
                .hasMessageContaining("terminationGracePeriodSecond");
        assertThatThrownBy(() -> KubernetesYaml.parse(
                        deploymentWith("", "          readinesProbe: {httpGet: {path: /readyz, port: metrics}}\n"),
                        Path.of("typo.yaml")))
                .hasMessageContaining("readinesProbe");
        assertThatThrownBy(() -> KubernetesYaml.parse(
                        "apiVersion: v1\nkind: ConfigMap\nmetdata: {name: x}\n", Path.of("typo.yaml")))
                .hasMessageContaining("metdata");
    }

    @Test
    void whatKubernetesWouldRefuseIsAnError() {
        // The API wants strings: an unquoted number in an env value or ConfigMap entry is refused.
        assertThatThrownBy(() -> KubernetesYaml.parse(
                        deploymentWith("", "          env: [{name: FEATUREX_SHUTDOWN_TIMEOUT_MS, value: 30000}]\n"),
                        Path.of("number.yaml")))
                .hasMessageContaining("number.yaml");
        assertThatThrownBy(() -> KubernetesYaml.parse(
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  FEATUREX_BATCH_MAX_SIZE: 8\n",
                        Path.of("number.yaml")))
                .hasMessageContaining("number.yaml");
        // A key given twice: YAML parsers disagree on which one wins.
        assertThatThrownBy(() -> KubernetesYaml.parse(
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  A: \"1\"\n  A: \"2\"\n",
                        Path.of("dup.yaml")))
                .hasMessageContaining("dup.yaml");
        assertThatThrownBy(() -> KubernetesYaml.parse(
                        "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n", Path.of("ns.yaml")))
                .hasMessageContaining("unexpected kind");
    }

    private static String deploymentWith(String podField, String containerField) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: x
                spec:
                  selector:
                    matchLabels: {app: x}
                  template:
                    metadata:
                      labels: {app: x}
                    spec:
                %s      containers:
                        - name: worker
                          image: featurex:cpu
                %s""".formatted(podField, containerField);
    }

    @Test
    void noManifestPinsANamespace() {
        for (Manifest m : all) {
            if (m.object().getMetadata() != null) {
                assertThat(m.object().getMetadata().getNamespace())
                        .as(m.toString())
                        .isNull();
            }
            if (m.kind().equals("Kustomization")) {
                assertThat(generic(m).getAdditionalProperties())
                        .as(m.toString())
                        .doesNotContainKey("namespace");
            }
        }
    }

    // ---- the worker pod ----

    @Test
    void probesHitHealthAndReadinessOnTheMetricsPort() {
        Container worker = workerContainer(baseDeployment());
        int metricsPort = Integer.parseInt(baseConfig().get(Setting.METRICS_PORT.envName()));

        ContainerPort port = worker.getPorts().stream()
                .filter(p -> "metrics".equals(p.getName()))
                .findFirst()
                .orElseThrow();
        assertThat(port.getContainerPort()).isEqualTo(metricsPort);

        HTTPGetAction liveness = worker.getLivenessProbe().getHttpGet();
        assertThat(liveness.getPath()).isEqualTo("/healthz");
        assertThat(liveness.getPort().getStrVal()).isEqualTo("metrics");
        HTTPGetAction readiness = worker.getReadinessProbe().getHttpGet();
        assertThat(readiness.getPath()).isEqualTo("/readyz");
        assertThat(readiness.getPort().getStrVal()).isEqualTo("metrics");

        Map<String, String> annotations =
                baseDeployment().getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(annotations)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", Integer.toString(metricsPort))
                .containsEntry("prometheus.io/path", "/metrics");
    }

    @Test
    void theGracePeriodOutlastsTheDrain() {
        long graceMs = podSpec(baseDeployment()).getTerminationGracePeriodSeconds() * 1000;
        long shutdownMs = Long.parseLong(baseConfig().get(Setting.SHUTDOWN_TIMEOUT_MS.envName()));
        assertThat(workerConfig(baseConfig()).shutdownTimeout().toMillis()).isEqualTo(shutdownMs);
        // Killed before the drain ends, the batch in flight is redone elsewhere; the margin is for
        // the JVM's exit and leaving the group after the drain itself.
        assertThat(graceMs)
                .as("terminationGracePeriodSeconds * 1000 vs FEATUREX_SHUTDOWN_TIMEOUT_MS")
                .isGreaterThanOrEqualTo(shutdownMs + 10_000);
    }

    @Test
    void theConfigurationIsOneTheWorkerAccepts() {
        // CPU, GPU, and either with the example Kafka credentials: every variable known, every
        // value valid, exactly as the worker checks them at start-up.
        Map<String, String> secret = secretData("base/secret.example.yaml");
        for (Map<String, String> env :
                List.of(baseConfig(), gpuConfig(), merge(baseConfig(), secret), merge(gpuConfig(), secret))) {
            WorkerConfig config = workerConfig(env);
            assertThat(config.workerId()).isEqualTo(POD_NAME);
            Set<String> clientProperties = new HashSet<>(ConsumerConfig.configNames());
            clientProperties.addAll(ProducerConfig.configNames());
            clientProperties.addAll(AdminClientConfig.configNames());
            assertThat(clientProperties)
                    .as("FEATUREX_KAFKA_* pass-through names Kafka knows")
                    .containsAll(config.kafka().keySet());
        }
        assertThat(workerConfig(gpuConfig()).model().device())
                .isNotEqualTo(workerConfig(baseConfig()).model().device());
        assertThat(secret).isNotEmpty().allSatisfy((k, v) -> assertThat(k).startsWith("FEATUREX_KAFKA_"));
        // The object-store Secret holds the SDK's own variables, none the worker would refuse as unknown.
        Map<String, String> s3 = secretData("base/secret-s3.example.yaml");
        assertThat(s3).containsOnlyKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        assertThat(workerConfig(merge(baseConfig(), s3)).inputs().names()).isNotEmpty();
        List<String> secretRefs = podSpec(baseDeployment()).getContainers().get(0).getEnvFrom().stream()
                .filter(e -> e.getSecretRef() != null)
                .map(e -> e.getSecretRef().getName()
                        + (Boolean.TRUE.equals(e.getSecretRef().getOptional()) ? " (optional)" : ""))
                .toList();
        assertThat(secretRefs)
                .containsExactly(
                        "featurex-kafka (optional)",
                        only(Secret.class, "base/secret-s3.example.yaml")
                                        .getMetadata()
                                        .getName() + " (optional)");
    }

    @Test
    void thePodIsLockedDown() {
        Deployment deployment = baseDeployment();
        PodSpec pod = podSpec(deployment);
        // Service links would add FEATUREX_<SERVICE>_* variables the worker refuses as unknown.
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotNull().isNotZero();
        for (Container c : Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream())
                .toList()) {
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem())
                    .as(c.getName())
                    .isTrue();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation())
                    .as(c.getName())
                    .isFalse();
            assertThat(c.getResources().getLimits()).as(c.getName()).containsKey("memory");
            Set<String> volumes = pod.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
            assertThat(c.getVolumeMounts())
                    .extracting(VolumeMount::getName)
                    .as(c.getName())
                    .allMatch(volumes::contains);
        }
        // Written at run time: DJL's cache (libtorch unpacked) and /tmp, on emptyDirs.
        Map<String, Volume> byName = volumesByName(pod);
        assertThat(byName.get(mount(workerContainer(deployment), "/opt/featurex/.djl.ai")
                                .getName())
                        .getEmptyDir())
                .isNotNull();
        assertThat(byName.get(mount(workerContainer(deployment), "/tmp").getName())
                        .getEmptyDir())
                .isNotNull();
        // The secret-backed inputs may be absent: the worker then talks PLAINTEXT.
        assertThat(workerContainer(deployment).getEnvFrom())
                .filteredOn(e -> e.getSecretRef() != null)
                .allSatisfy(e -> assertThat(e.getSecretRef().getOptional()).isTrue());
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .allSatisfy(v -> assertThat(v.getSecret().getOptional()).isTrue());
    }

    @Test
    void theModelInitContainerFillsTheWeightsPath() {
        Deployment deployment = baseDeployment();
        Path weights = Path.of(baseConfig().get(Setting.MODEL_WEIGHTS.envName()));
        VolumeMount workerMount =
                mount(workerContainer(deployment), weights.getParent().toString());
        assertThat(workerMount.getReadOnly()).isTrue();
        Container init = podSpec(deployment).getInitContainers().stream()
                .filter(c -> c.getName().equals("model"))
                .findFirst()
                .orElseThrow();
        VolumeMount initMount = init.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(workerMount.getName()))
                .findFirst()
                .orElseThrow();
        List<String> command = init.getCommand();
        assertThat(command).hasSize(3).startsWith("cp");
        assertThat(Path.of(command.get(2)))
                .isEqualTo(Path.of(initMount.getMountPath()).resolve(weights.getFileName()));
        assertThat(volumesByName(podSpec(deployment)).get(workerMount.getName()).getEmptyDir())
                .isNotNull();
    }

    @Test
    void servicePdbAndDeploymentSelectTheWorkerPods() {
        Deployment deployment = baseDeployment();
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels)
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

        PodDisruptionBudget pdb = only(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isNotEmpty()
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

        Service service = only(Service.class);
        assertThat(service.getSpec().getSelector()).isNotEmpty();
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        ServicePort port = service.getSpec().getPorts().stream()
                .filter(p -> "metrics".equals(p.getName()))
                .findFirst()
                .orElseThrow();
        assertThat(workerContainer(deployment).getPorts())
                .extracting(ContainerPort::getName)
                .contains(port.getTargetPort().getStrVal());
    }

    @Test
    void theGpuOverlayAsksForOneGpuAndTheCudaImage() {
        Deployment base = baseDeployment();
        Deployment patch = deployment("overlays/gpu/deployment-gpu.yaml");
        assertThat(patch.getMetadata().getName()).isEqualTo(base.getMetadata().getName());
        Container gpuWorker =
                patch.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(gpuWorker.getName()).isEqualTo(workerContainer(base).getName());
        Map<String, Quantity> limits = gpuWorker.getResources().getLimits();
        assertThat(limits.get("nvidia.com/gpu")).isEqualTo(new Quantity("1"));
        assertThat(patch.getSpec().getTemplate().getSpec().getTolerations())
                .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
        // No spare GPU for a surge pod: replace in place.
        assertThat(patch.getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxSurge()
                        .getIntVal())
                .isZero();

        Map<String, Object> kustomization = kustomization("overlays/gpu");
        String baseImage = workerContainer(base).getImage();
        assertThat(list(kustomization.get("images"))).singleElement().satisfies(image -> {
            assertThat(map(image).get("name")).isEqualTo(baseImage.substring(0, baseImage.indexOf(':')));
            assertThat(map(image).get("newTag")).isEqualTo("cuda");
        });
        assertThat(only(ConfigMap.class, "overlays/gpu/configmap-gpu.yaml")
                        .getMetadata()
                        .getName())
                .isEqualTo(only(ConfigMap.class, "base/configmap.yaml")
                        .getMetadata()
                        .getName());
        assertThat(gpuConfig()).containsEntry(Setting.MODEL_DEVICE.envName(), "gpu");
    }

    // ---- autoscaling ----

    @Test
    void kedaScalesTheDeploymentOnTheWorkersGroupAndTopic() {
        Map<String, String> config = baseConfig();
        Map<String, Object> spec = spec(generic("autoscaling/keda/scaledobject.yaml", "ScaledObject"));
        assertThat(spec.keySet())
                .as("ScaledObject spec fields")
                .isSubsetOf(
                        "scaleTargetRef",
                        "pollingInterval",
                        "cooldownPeriod",
                        "idleReplicaCount",
                        "initialCooldownPeriod",
                        "minReplicaCount",
                        "maxReplicaCount",
                        "fallback",
                        "advanced",
                        "triggers");
        assertThat(map(spec.get("scaleTargetRef")).get("name"))
                .isEqualTo(baseDeployment().getMetadata().getName());

        int partitions = Integer.parseInt(config.get(Setting.TOPICS_PARTITIONS.envName()));
        assertThat(number(spec.get("maxReplicaCount")))
                .as("maxReplicaCount <= input partitions")
                .isBetween(1, partitions);
        assertThat(number(spec.get("minReplicaCount"))).isBetween(1, number(spec.get("maxReplicaCount")));

        Map<String, Object> trigger = map(list(spec.get("triggers")).get(0));
        assertThat(list(spec.get("triggers"))).hasSize(1);
        assertThat(trigger.get("type")).isEqualTo("kafka");
        Map<String, Object> metadata = map(trigger.get("metadata"));
        // KEDA's CRD types trigger metadata as map[string]string: a bare number is refused.
        assertThat(metadata.values()).allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
        assertThat(metadata.keySet())
                .as("kafka scaler parameters")
                .isSubsetOf(
                        "bootstrapServers",
                        "consumerGroup",
                        "topic",
                        "lagThreshold",
                        "activationLagThreshold",
                        "offsetResetPolicy",
                        "allowIdleConsumers",
                        "scaleToZeroOnInvalidOffset",
                        "excludePersistentLag",
                        "limitToPartitionsWithLag",
                        "ensureEvenDistributionOfPartitions",
                        "partitionLimitation",
                        "version",
                        "sasl",
                        "tls",
                        "unsafeSsl");
        assertThat(metadata.get("bootstrapServers")).isEqualTo(config.get(Setting.BOOTSTRAP_SERVERS.envName()));
        assertThat(metadata.get("consumerGroup")).isEqualTo(config.get(Setting.GROUP_ID.envName()));
        assertThat(metadata.get("topic")).isEqualTo(config.get(Setting.INPUT_TOPIC.envName()));
        assertThat(Integer.parseInt((String) metadata.get("lagThreshold"))).isPositive();
        // Lag of a group without offsets must be counted from where the worker will start.
        Object reset = KafkaClients.consumer(workerConfig(config)).get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        assertThat(metadata.get("offsetResetPolicy")).isEqualTo(reset);
    }

    @Test
    void kedaSaslUsesTheKeysOfItsSecret() {
        GenericKubernetesResource auth =
                generic("autoscaling/keda-sasl/triggerauthentication.yaml", "TriggerAuthentication");
        Map<String, String> secret = secretData("autoscaling/keda-sasl/secret.example.yaml");
        String secretName = only(Secret.class, "autoscaling/keda-sasl/secret.example.yaml")
                .getMetadata()
                .getName();
        assertThat(spec(auth).keySet()).containsOnly("secretTargetRef");
        List<Object> refs = list(spec(auth).get("secretTargetRef"));
        assertThat(refs).isNotEmpty().allSatisfy(r -> {
            Map<String, Object> ref = map(r);
            assertThat(ref.keySet()).containsOnly("parameter", "name", "key");
            assertThat(ref.get("parameter"))
                    .isIn("sasl", "username", "password", "tls", "ca", "cert", "key", "keyPassword");
            assertThat(ref.get("name")).isEqualTo(secretName);
            assertThat(secret).containsKey((String) ref.get("key"));
        });
        // The overlay's patch points the trigger at this TriggerAuthentication.
        Map<String, Object> kustomization = kustomization("autoscaling/keda-sasl");
        String patch = (String) map(list(kustomization.get("patches")).get(0)).get("patch");
        JsonNode op = KubernetesYaml.MAPPER.readTree(patch).get(0);
        assertThat(op.path("path").asString()).isEqualTo("/spec/triggers/0/authenticationRef");
        assertThat(op.path("value").path("name").asString())
                .isEqualTo(auth.getMetadata().getName());
    }

    @Test
    void theHpaScalesTheDeploymentOnTheWorkersLagMetric() {
        HorizontalPodAutoscaler hpa = only(HorizontalPodAutoscaler.class);
        Deployment deployment = baseDeployment();
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(deployment.getMetadata().getName());
        int partitions = Integer.parseInt(baseConfig().get(Setting.TOPICS_PARTITIONS.envName()));
        assertThat(hpa.getSpec().getMaxReplicas())
                .as("maxReplicas <= input partitions")
                .isBetween(1, partitions);
        assertThat(hpa.getSpec().getMinReplicas()).isPositive();

        MetricSpec metric = hpa.getSpec().getMetrics().get(0);
        assertThat(metric.getType()).isEqualTo("External");
        String name = metric.getExternal().getMetric().getName();
        assertThat(name).isEqualTo("featurex_consumer_lag_sum_records").isIn(ExportedMetrics.worker());

        // prometheus-adapter serves that name, from that series.
        JsonNode adapter =
                KubernetesYaml.MAPPER.readTree(DeployFiles.path("prometheus/prometheus-adapter-values.yaml"));
        JsonNode rule = adapter.path("rules").path("external").get(0);
        assertThat(rule.path("name").path("as").asString()).isEqualTo(name);
        assertThat(PromQl.metricNames(rule.path("seriesQuery").asString())).containsExactly(name);
    }

    @Test
    void kedaAndHpaAreNeverAppliedTogether() {
        for (String dir :
                List.of("base", "overlays/gpu", "autoscaling/keda", "autoscaling/keda-sasl", "autoscaling/hpa")) {
            Set<String> kinds = new HashSet<>();
            collectKinds(DeployFiles.path("k8s").resolve(dir), kinds);
            assertThat(kinds.contains("ScaledObject") && kinds.contains("HorizontalPodAutoscaler"))
                    .as(dir)
                    .isFalse();
        }
    }

    private static void collectKinds(Path dir, Set<String> kinds) {
        Map<String, Object> kustomization =
                kustomization(DeployFiles.path("k8s").relativize(dir).toString());
        for (Object resource : list(kustomization.getOrDefault("resources", List.of()))) {
            Path target = dir.resolve((String) resource).normalize();
            if (Files.isDirectory(target)) {
                collectKinds(target, kinds);
            } else {
                KubernetesYaml.read(target).forEach(m -> kinds.add(m.kind()));
            }
        }
    }

    @Test
    void kustomizationsListEveryManifestBesideThemAndNoExample() throws Exception {
        for (Manifest m :
                all.stream().filter(m -> m.kind().equals("Kustomization")).toList()) {
            Path dir = m.file().getParent();
            Map<String, Object> k = generic(m).getAdditionalProperties();
            assertThat(k.keySet())
                    .as(m.toString())
                    .isSubsetOf("resources", "patches", "images", "labels", "components");
            Set<String> referenced = new HashSet<>();
            for (Object r : list(k.getOrDefault("resources", List.of()))) {
                assertThat(dir.resolve((String) r)).as(m + " resource " + r).exists();
                referenced.add((String) r);
            }
            for (Object p : list(k.getOrDefault("patches", List.of()))) {
                Map<String, Object> patch = map(p);
                assertThat(patch.keySet()).isSubsetOf("path", "patch", "target");
                if (patch.containsKey("path")) {
                    assertThat(dir.resolve((String) patch.get("path")))
                            .as(m + " patch " + patch.get("path"))
                            .exists();
                    referenced.add((String) patch.get("path"));
                }
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(KubernetesYaml::isYaml).toList()) {
                    String name = f.getFileName().toString();
                    if (name.equals("kustomization.yaml")) {
                        continue;
                    }
                    if (name.endsWith(".example.yaml")) {
                        assertThat(referenced)
                                .as(m + " must not apply the example " + name)
                                .doesNotContain(name);
                    } else {
                        assertThat(referenced).as(m + " lists " + name).contains(name);
                    }
                }
            }
        }
    }

    // ---- helpers ----

    private static Deployment baseDeployment() {
        return deployment("base/deployment.yaml");
    }

    private static Deployment deployment(String file) {
        return only(Deployment.class, file);
    }

    private static PodSpec podSpec(Deployment d) {
        return d.getSpec().getTemplate().getSpec();
    }

    private static Container workerContainer(Deployment d) {
        return podSpec(d).getContainers().stream()
                .filter(c -> c.getName().equals("worker"))
                .findFirst()
                .orElseThrow();
    }

    private static VolumeMount mount(Container c, String path) {
        return c.getVolumeMounts().stream()
                .filter(m -> Path.of(m.getMountPath()).equals(Path.of(path)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " mounts nothing at " + path));
    }

    private static Map<String, Volume> volumesByName(PodSpec pod) {
        Map<String, Volume> byName = new HashMap<>();
        pod.getVolumes().forEach(v -> byName.put(v.getName(), v));
        return byName;
    }

    private static Map<String, String> baseConfig() {
        return withDeploymentEnv(only(ConfigMap.class, "base/configmap.yaml").getData());
    }

    private static Map<String, String> gpuConfig() {
        return merge(
                baseConfig(),
                only(ConfigMap.class, "overlays/gpu/configmap-gpu.yaml").getData());
    }

    /** The ConfigMap's variables plus the Deployment's own env (field references resolved as the kubelet would). */
    private static Map<String, String> withDeploymentEnv(Map<String, String> data) {
        Map<String, String> env = new LinkedHashMap<>(data);
        for (EnvVar e : workerContainer(baseDeployment()).getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else {
                assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
                env.put(e.getName(), POD_NAME);
            }
        }
        return env;
    }

    private static Map<String, String> secretData(String file) {
        Secret secret = only(Secret.class, file);
        assertThat(secret.getData()).as(file + ": stringData only, readable").isNullOrEmpty();
        return secret.getStringData();
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> merged = new LinkedHashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    private static WorkerConfig workerConfig(Map<String, String> podEnv) {
        // The weights exist only in the pod (the model init container puts them there), and the
        // worker checks at start-up that they do: here a file stands in at the pod's path.
        Map<String, String> env = new LinkedHashMap<>(podEnv);
        env.computeIfPresent(
                "FEATUREX_MODEL_WEIGHTS", (key, path) -> weightsStandIn(path).toString());
        ConfigSources sources = new ConfigSources().environment(env);
        assertThat(sources.problems())
                .as("the worker's verdict on " + env.keySet())
                .isEmpty();
        return WorkerConfig.from(sources.values());
    }

    private static Path weightsStandIn(String podPath) {
        try {
            Path dir = Files.createTempDirectory("featurex-manifest-weights");
            Path file = dir.resolve(Path.of(podPath).getFileName());
            Files.write(file, new byte[] {0});
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T extends HasMetadata> T only(Class<T> type) {
        List<T> found = all.stream()
                .map(Manifest::object)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static <T extends HasMetadata> T only(Class<T> type, String file) {
        Path path = DeployFiles.path("k8s").resolve(file);
        List<T> found = all.stream()
                .filter(m -> m.file().equals(path))
                .map(Manifest::object)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
        assertThat(found).as(type.getSimpleName() + " in " + file).hasSize(1);
        return found.get(0);
    }

    @Test
    void theStrimziUserIsGrantedExactlyWhatTheConfigMapsWorkerNeeds() {
        Set<String> granted = new TreeSet<>();
        for (Object entry : (List<?>)
                map(spec(generic("strimzi/kafkauser.yaml", "KafkaUser")).get("authorization"))
                        .get("acls")) {
            Map<String, Object> acl = map(entry);
            Map<String, Object> resource = map(acl.get("resource"));
            for (Object operation : (List<?>) acl.get("operations")) {
                granted.add(operation + " " + resource.get("type") + " " + resource.get("name") + " "
                        + resource.get("patternType"));
            }
        }
        Set<String> needed = new TreeSet<>();
        for (RequiredAcls.Grant grant : RequiredAcls.forRun(workerConfig(baseConfig()), "User:featurex")) {
            ResourcePattern r = grant.binding().pattern();
            String type = switch (r.resourceType()) {
                case TOPIC -> "topic";
                case GROUP -> "group";
                case TRANSACTIONAL_ID -> "transactionalId";
                default -> throw new AssertionError(r);
            };
            String operation = CaseFormat.of(grant.binding().entry().operation().name());
            needed.add(operation + " " + type + " " + r.name() + " "
                    + (r.patternType() == PatternType.PREFIXED ? "prefix" : "literal"));
        }
        assertThat(granted).isEqualTo(needed);
    }

    /** Strimzi spells operations as kafka-acls does: READ -> Read, DESCRIBE_CONFIGS -> DescribeConfigs. */
    private static final class CaseFormat {
        static String of(String constant) {
            StringBuilder out = new StringBuilder();
            for (String word : constant.toLowerCase(Locale.ROOT).split("_")) {
                out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
            return out.toString();
        }
    }

    private static GenericKubernetesResource generic(String file, String kind) {
        Path path = DeployFiles.path("k8s").resolve(file);
        List<Manifest> found = all.stream()
                .filter(m -> m.file().equals(path) && m.kind().equals(kind))
                .toList();
        assertThat(found).as(kind + " in " + file).hasSize(1);
        return generic(found.get(0));
    }

    private static GenericKubernetesResource generic(Manifest m) {
        return (GenericKubernetesResource) m.object();
    }

    private static Map<String, Object> kustomization(String dir) {
        return generic(dir + "/kustomization.yaml", "Kustomization").getAdditionalProperties();
    }

    private static Map<String, Object> spec(GenericKubernetesResource r) {
        return map(r.getAdditionalProperties().get("spec"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    private static int number(Object o) {
        assertThat(o).isInstanceOf(Integer.class);
        return (Integer) o;
    }
}
