package io.featurex.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Volume;
import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featurex.embedded.SampleImages;
import io.featurex.v1.DeadLetter;
import io.featurex.v1.ErrorCode;
import io.featurex.v1.ImageRef;
import io.featurex.worker.cli.Main;
import io.featurex.worker.config.Setting;
import io.featurex.worker.deploy.KubernetesYaml.Manifest;
import io.featurex.worker.testing.ContainerImages;
import io.featurex.worker.testing.ExactlyOnce;
import io.featurex.worker.testing.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The CPU image ({@code deploy/images.sh} builds it) run as the Deployment runs it: its user, a
 * read-only root filesystem, no capabilities, the ConfigMap's settings, tmpfs where the pod has
 * emptyDirs (DJL's cache, /tmp), the weights mounted read-only, a broker in another container on
 * a network of this test's own. Inputs go in, features and dead letters come out, the probes and
 * /metrics answer on the published port, and {@code docker stop} drains within the pod's grace
 * period. Skipped, saying why, without an engine or the images; CI demands it.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class WorkerImageIT {

    /** System property naming the image under test. */
    static final String IMAGE_PROPERTY = "featurex.test.worker.image";

    private static final String KAFKA_ALIAS = "kafka";
    private static final int KAFKA_INTERNAL_PORT = 19092;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void runsAsKubernetesRunsItAndDrainsOnDockerStop() throws Exception {
        String image = System.getProperty(IMAGE_PROPERTY, "featurex:cpu");
        ContainerImages.assumeRunnable(image);
        ContainerImages.assumeRunnable(TestKafka.image());

        Deployment deployment = KubernetesYaml.read(DeployFiles.path("k8s/base/deployment.yaml")).stream()
                .map(Manifest::object)
                .map(Deployment.class::cast)
                .findFirst()
                .orElseThrow();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container spec = pod.getContainers().get(0);
        long uid = pod.getSecurityContext().getRunAsUser();
        long gid = pod.getSecurityContext().getRunAsGroup();
        long grace = pod.getTerminationGracePeriodSeconds();
        String weightsMount = mountPath(spec, "model");

        Path work = Files.createDirectories(Path.of("target/it-logs/worker-image-" + System.currentTimeMillis()))
                .toAbsolutePath();
        // The container's user is not this one: what it reads must be world-readable.
        Path models = readableDirectory(work.resolve("models"));
        Path images = readableDirectory(work.resolve("images"));
        Map<String, String> env = new LinkedHashMap<>(configMap());
        Path weights = models.resolve(
                Path.of(env.get(Setting.MODEL_WEIGHTS.envName())).getFileName().toString());
        // Seeded weights of a narrow VGG16 (width / 8): real weights would only slow the test.
        assertThat(Main.commandLine().execute("export-params", "--width-divisor", "8", "--out", weights.toString()))
                .isZero();
        Files.setPosixFilePermissions(weights, PosixFilePermissions.fromString("rw-r--r--"));
        List<Path> photos = SampleImages.extractBuiltIn(images);
        for (Path photo : photos) {
            Files.setPosixFilePermissions(photo, PosixFilePermissions.fromString("rw-r--r--"));
        }

        try (Network network = Network.newNetwork();
                KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(TestKafka.image()))
                        .withNetwork(network)
                        .withListener(KAFKA_ALIAS + ":" + KAFKA_INTERNAL_PORT)) {
            kafka.start();
            String bootstrap = kafka.getBootstrapServers();
            String input = "images-" + System.nanoTime();
            String output = "features-" + System.nanoTime();
            String deadLetters = "dead-letters-" + System.nanoTime();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(
                                new NewTopic(input, 2, (short) 1),
                                new NewTopic(output, 2, (short) 1),
                                new NewTopic(deadLetters, 1, (short) 1)))
                        .all()
                        .get(60, TimeUnit.SECONDS);
            }

            env.put(Setting.BOOTSTRAP_SERVERS.envName(), KAFKA_ALIAS + ":" + KAFKA_INTERNAL_PORT);
            env.put(Setting.INPUT_TOPIC.envName(), input);
            env.put(Setting.OUTPUT_TOPIC.envName(), output);
            env.put(Setting.DEAD_LETTER_TOPIC.envName(), deadLetters);
            env.put(Setting.GROUP_ID.envName(), "image-it-" + System.nanoTime());
            env.put(Setting.WORKER_ID.envName(), "featurex-image-it-0");
            env.put(Setting.MODEL_WIDTH_DIVISOR.envName(), "8");
            env.put(Setting.FETCH_FILE_ROOTS.envName(), "/images");
            int metricsPort = Integer.parseInt(env.get(Setting.METRICS_PORT.envName()));

            StringBuilder log = new StringBuilder();
            // An emptyDir is writable by the pod's user and allows exec. Docker's tmpfs is noexec
            // unless told otherwise (DJL and JNA load the native libraries they unpack there),
            // and root's: Docker 20.10 ignores mode=, so it is given to the user.
            String owner = ",uid=" + uid + ",gid=" + gid;
            Map<String, String> tmpfs = Map.of(
                    mountPath(spec, "djl-cache"), "rw,exec,nosuid,size=1g" + owner,
                    mountPath(spec, "tmp"), "rw,exec,nosuid,size=256m" + owner);
            try (GenericContainer<?> worker = new GenericContainer<>(DockerImageName.parse(image))
                    .withNetwork(network)
                    .withEnv(env)
                    .withCommand(spec.getArgs().toArray(String[]::new))
                    .withTmpFs(tmpfs)
                    .withExposedPorts(metricsPort)
                    .withLogConsumer(frame -> log.append(frame.getUtf8String()))
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withUser(uid + ":" + gid);
                        cmd.getHostConfig()
                                .withReadonlyRootfs(true)
                                .withCapDrop(Capability.ALL)
                                .withSecurityOpts(List.of("no-new-privileges"))
                                .withBinds(
                                        new Bind(models.toString(), new Volume(weightsMount), AccessMode.ro),
                                        new Bind(images.toString(), new Volume("/images"), AccessMode.ro));
                    })
                    .waitingFor(Wait.forHttp("/readyz")
                            .forPort(metricsPort)
                            .forStatusCode(200)
                            .withStartupTimeout(Duration.ofMinutes(2)))) {
                long starting = System.nanoTime();
                worker.start();
                double startSeconds = (System.nanoTime() - starting) / 1e9;
                System.out.printf(
                        "worker image %s: ready (/readyz 200) %.1f s after docker run%n", image, startSeconds);
                String probes = "http://" + worker.getHost() + ":" + worker.getMappedPort(metricsPort);
                assertThat(get(probes + "/healthz").statusCode()).isEqualTo(200);
                assertThat(get(probes + "/readyz").statusCode()).isEqualTo(200);

                Map<String, ImageRef> refs = new LinkedHashMap<>();
                for (Path photo : photos) {
                    String id = "file-" + photo.getFileName();
                    refs.put(
                            id,
                            ref(id).setUri("file:///images/" + photo.getFileName())
                                    .build());
                }
                refs.put(
                        "inline-0",
                        ref("inline-0")
                                .setInline(ByteString.copyFrom(Files.readAllBytes(photos.get(0))))
                                .build());
                refs.put(
                        "outside-roots",
                        ref("outside-roots").setUri("file:///etc/passwd").build());
                refs.put(
                        "not-an-image",
                        ref("not-an-image")
                                .setInline(ByteString.copyFromUtf8("not an image"))
                                .build());
                send(bootstrap, input, refs);

                ExactlyOnce result = ExactlyOnce.read(bootstrap, output, deadLetters, refs.keySet(), TIMEOUT);
                System.out.println("worker image: " + result);
                assertThat(result.missing(refs.keySet()))
                        .as("missing; log:\n" + log)
                        .isEmpty();
                assertThat(result.duplicated()).isEmpty();
                assertThat(result.features).isEqualTo(refs.size() - 2);
                assertThat(deadLetterCodes(bootstrap, deadLetters))
                        .containsEntry("outside-roots", ErrorCode.PATH_NOT_ALLOWED)
                        .containsEntry("not-an-image", ErrorCode.UNDECODABLE_IMAGE);

                String metrics = get(probes + "/metrics").body();
                assertThat(sample(metrics, "featurex_images_total", "outcome=\"feature\""))
                        .isEqualTo(refs.size() - 2);
                assertThat(sample(metrics, "featurex_images_total", "outcome=\"dead_letter\""))
                        .isEqualTo(2);

                DockerClient docker = worker.getDockerClient();
                long stopping = System.nanoTime();
                // docker stop: SIGTERM, then SIGKILL after the grace period, as the kubelet does.
                docker.stopContainerCmd(worker.getContainerId())
                        .withTimeout((int) grace)
                        .exec();
                double stopSeconds = (System.nanoTime() - stopping) / 1e9;
                long exit = docker.inspectContainerCmd(worker.getContainerId())
                        .exec()
                        .getState()
                        .getExitCodeLong();
                System.out.printf("worker image: docker stop took %.1f s, exit code %d%n", stopSeconds, exit);
                Files.writeString(work.resolve("worker.log"), log);
                assertThat(log).contains("drained and closed in");
                // 143 (128 + SIGTERM) is how a JVM ended by SIGTERM exits once its hooks are done:
                // after the drain, never a SIGKILL's 137.
                assertThat(exit).as("exit code; log in " + work).isIn(0L, 143L);
                assertThat(stopSeconds).as("drained within the grace period").isLessThan(grace);
            }
        }
    }

    private static ImageRef.Builder ref(String id) {
        return ImageRef.newBuilder().setId(id);
    }

    private static void send(String bootstrap, String topic, Map<String, ImageRef> refs) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (ImageRef ref : refs.values()) {
                producer.send(new ProducerRecord<>(topic, ref.getId(), ref.toByteArray()))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<String, ErrorCode> deadLetterCodes(String bootstrap, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "image-it-dlq-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, ErrorCode> codes = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (codes.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    DeadLetter letter = DeadLetter.parseFrom(record.value());
                    codes.put(letter.getId(), letter.getCode());
                }
            }
        }
        return codes;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The value of the one sample of {@code name} whose labels include {@code label}. */
    private static double sample(String exposition, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)")
                .matcher(exposition);
        assertThat(m.find()).as(name + "{" + label + "} in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static Map<String, String> configMap() {
        return KubernetesYaml.read(DeployFiles.path("k8s/base/configmap.yaml")).stream()
                .map(Manifest::object)
                .map(ConfigMap.class::cast)
                .findFirst()
                .orElseThrow()
                .getData();
    }

    private static String mountPath(Container container, String volume) {
        return container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(volume))
                .findFirst()
                .orElseThrow()
                .getMountPath();
    }

    private static Path readableDirectory(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }
}
