package io.featurex.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featurex.worker.config.Setting;
import io.featurex.worker.deploy.KubernetesYaml.Manifest;
import io.featurex.worker.testing.TestKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * deploy/Dockerfile*, read: what the manifests and the poms rely on (user, port, DJL cache,
 * offline mode, tcmalloc, the native decoders' libraries, the CUDA flavour and libtorch version,
 * the image names the manifests use) and what deploy/images.sh relies on (bases as build
 * arguments, the Kafka image's tag). Checked where no engine builds them, as the CUDA image is
 * nowhere in CI; WorkerImageIT runs the CPU image where one does.
 */
class DockerfilesTest {

    private static final Pattern BUILD_TAG = Pattern.compile("docker build -f deploy/(\\S+) -t (\\S+)");

    @Test
    void bothWorkerImagesRunAsTheManifestsExpect() {
        Deployment deployment = deployment();
        Container worker =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        String cacheMount = worker.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("djl-cache"))
                .findFirst()
                .orElseThrow()
                .getMountPath();
        for (String name : List.of("Dockerfile", "Dockerfile.cuda")) {
            List<String> stage = finalStage(name);
            String text = String.join("\n", stage);
            assertThat(instruction(stage, "USER"))
                    .as(name)
                    .isEqualTo(deployment
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getSecurityContext()
                            .getRunAsUser()
                            .toString());
            assertThat(instruction(stage, "EXPOSE"))
                    .as(name)
                    .isEqualTo(baseConfig().get(Setting.METRICS_PORT.envName()));
            assertThat(text)
                    .as(name)
                    .contains("DJL_CACHE_DIR=" + cacheMount)
                    .contains("-DDJL_CACHE_DIR=" + cacheMount)
                    .contains("-Dai.djl.offline=true")
                    .contains("libtcmalloc-minimal4")
                    .contains("LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4");
            // The native decoders' libraries, or JPEG and WebP fall back to ImageIO: the TurboJPEG
            // package by its Ubuntu name, or by Debian's where the base may be either.
            assertThat(text)
                    .as(name)
                    .containsPattern("apt-get install [^\n]*(libturbojpeg|\"\\$turbojpeg\") libwebp7 libwebpdemux2");
            if (text.contains("\"$turbojpeg\"")) {
                assertThat(text).as(name).contains("turbojpeg=libturbojpeg ", "apt-cache show libturbojpeg0");
            }
            assertThat(instruction(stage, "CMD")).as(name).isEqualTo("[\"run\"]");
            // A heap cap: without one G1 grows towards 1/4 of the pod's memory (RSS 1.43 GiB under a backlog).
            assertThat(text).as(name).containsPattern("JAVA_TOOL_OPTIONS=\"[^\"]*-Xmx[0-9]+[mg]\\b");
        }
    }

    @Test
    void theCudaImageUsesTheCudaLibtorchOfThePoms() throws Exception {
        List<String> lines = lines("Dockerfile.cuda");
        String libtorchVersion = pomProperty(DeployFiles.parentPom(), "libtorch.version");
        assertThat(lines).contains("ARG LIBTORCH_VERSION=" + libtorchVersion, "ARG LIBTORCH_FLAVOR=cu124");
        assertThat(instruction(finalStage("Dockerfile.cuda"), "FROM"))
                .matches("nvidia/cuda:12\\.4(\\.[0-9]+)?-runtime-ubuntu[0-9.]+");
        assertThat(lines).anyMatch(l -> l.matches("ARG JRE_IMAGE=eclipse-temurin:17-jre\\S*"));
        String text = String.join("\n", finalStage("Dockerfile.cuda"));
        assertThat(text)
                .contains(
                        "PYTORCH_LIBRARY_PATH=/opt/libtorch",
                        "PYTORCH_VERSION=${LIBTORCH_VERSION}",
                        "PYTORCH_FLAVOR=${LIBTORCH_FLAVOR}");

        // The worker pom's profile brings exactly the jar the Dockerfile unpacks.
        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(DeployFiles.root().getParent().resolve("worker/pom.xml").toFile());
        NodeList profiles = pom.getElementsByTagName("profile");
        Element profile = null;
        for (int i = 0; i < profiles.getLength(); i++) {
            Element p = (Element) profiles.item(i);
            if (text(p, "id").equals("libtorch-cu124")) {
                profile = p;
            }
        }
        assertThat(profile).as("worker pom profile libtorch-cu124").isNotNull();
        assertThat(text(profile, "name")).isEqualTo("libtorch.flavor");
        assertThat(text(profile, "value")).isEqualTo("cu124");
        assertThat(text(profile, "artifactId")).isEqualTo("pytorch-native-cu124");
        assertThat(text(profile, "version")).isEqualTo("${libtorch.version}");
        assertThat(String.join("\n", lines))
                .contains("pytorch-native-${LIBTORCH_FLAVOR}-${LIBTORCH_VERSION}-linux-x86_64.jar");
        assertThat(DeployFiles.read(DeployFiles.path("Dockerfile.cuda")))
                .as("its build instructions")
                .contains("-Dlibtorch.flavor=cu124");
    }

    @Test
    void theBasesAreBuildArgumentsDefaultingToThePublicImages() {
        assertThat(lines("Dockerfile")).startsWith("ARG BASE_IMAGE=eclipse-temurin:17-jre", "FROM ${BASE_IMAGE}");
        assertThat(lines("kafka/Dockerfile")).startsWith("ARG BASE_IMAGE=eclipse-temurin:17-jre", "FROM ${BASE_IMAGE}");
        assertThat(lines("Dockerfile.model")).startsWith("ARG BASE_IMAGE=busybox:1.36", "FROM ${BASE_IMAGE}");
        assertThat(lines("prometheus/Dockerfile"))
                .startsWith("ARG BASE_IMAGE=debian:bookworm-slim", "FROM ${BASE_IMAGE}");
        assertThat(lines("Dockerfile.cuda"))
                .contains("ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy", "FROM ${JRE_IMAGE} AS jre");
        // What images.sh --local-base overrides them with.
        String script = DeployFiles.read(DeployFiles.path("images.sh"));
        assertThat(script).contains("--build-arg BASE_IMAGE=\"$jre_base\"", "--build-arg BASE_IMAGE=\"$debian_base\"");
        // The local stack's stand-in for prom/prometheus, under the name stack-check.sh is given in CI.
        assertThat(script)
                .contains("prometheus_local=featurex-base/prometheus:debian", "-f deploy/prometheus/Dockerfile");
        assertThat(DeployFiles.read(DeployFiles.root().getParent().resolve(".ci/run")))
                .contains("FEATUREX_PROMETHEUS_IMAGE=featurex-base/prometheus:debian deploy/stack-check.sh");
    }

    @Test
    void theKafkaImageIsTheKafkaOfThePomsUnderTheNameTheTestsAskFor() throws Exception {
        String kafkaVersion = pomProperty(DeployFiles.parentPom(), "kafka.version");
        assertThat(TestKafka.DEFAULT_IMAGE).isEqualTo("apache/kafka:" + kafkaVersion);
        String script = DeployFiles.read(DeployFiles.path("images.sh"));
        assertThat(script).contains("<kafka.version>", "-t \"apache/kafka:$kafka_version\"", "-f deploy/kafka/pom.xml");
        // The pom images.sh gathers the class path with takes the version from the parent.
        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(DeployFiles.path("kafka/pom.xml").toFile());
        assertThat(text(pom.getDocumentElement(), "relativePath")).isEqualTo("../../pom.xml");
        assertThat(String.join("\n", lines("kafka/Dockerfile")))
                .contains("COPY run /etc/kafka/docker/run", "CMD [\"/etc/kafka/docker/run\"]");
    }

    @Test
    void theImagesAreTaggedAsTheManifestsNameThem() {
        Deployment deployment = deployment();
        Container worker =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Container model =
                deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertThat(buildTag("Dockerfile")).isEqualTo(worker.getImage());
        String repository = worker.getImage().substring(0, worker.getImage().indexOf(':'));
        assertThat(buildTag("Dockerfile.cuda")).isEqualTo(repository + ":cuda");
        assertThat(buildTag("Dockerfile.model")).isEqualTo(model.getImage());
    }

    @Test
    void theModelImageHoldsTheFileTheInitContainerCopies() {
        Container model = deployment()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getInitContainers()
                .get(0);
        String source = model.getCommand().get(1);
        List<String> stage = finalStage("Dockerfile.model");
        String copy = instruction(stage, "COPY");
        assertThat(copy.split("\\s+")).hasSize(2);
        assertThat(copy.split("\\s+")[1]).isEqualTo(source);
        assertThat(Path.of(source).getFileName())
                .isEqualTo(Path.of(baseConfig().get(Setting.MODEL_WEIGHTS.envName()))
                        .getFileName());
        assertThat(instruction(stage, "USER")).isNotEqualTo("root").isNotEqualTo("0");
    }

    // ---- helpers ----

    private static Deployment deployment() {
        return KubernetesYaml.read(DeployFiles.path("k8s/base/deployment.yaml")).stream()
                .map(Manifest::object)
                .map(Deployment.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> baseConfig() {
        return KubernetesYaml.read(DeployFiles.path("k8s/base/configmap.yaml")).stream()
                .map(Manifest::object)
                .map(ConfigMap.class::cast)
                .findFirst()
                .orElseThrow()
                .getData();
    }

    /**
     * The Dockerfile's instructions, continuation lines joined, comments dropped, as written: a
     * FROM naming a build argument keeps the ${NAME}.
     */
    private static List<String> lines(String dockerfile) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : DeployFiles.read(DeployFiles.path(dockerfile)).split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (current.length() > 0) {
                lines.add(current.toString().replaceAll("\\s+", " ").strip());
            }
            current.setLength(0);
        }
        return lines;
    }

    /** The instructions from the last FROM on: what the image runs, its FROM with the default base. */
    private static List<String> finalStage(String dockerfile) {
        List<String> lines = new ArrayList<>(lines(dockerfile));
        // Build arguments before the first FROM are what a FROM may name; their defaults are the
        // images a plain `docker build` uses.
        for (int i = 0; i < lines.size() && !lines.get(i).startsWith("FROM "); i++) {
            Matcher arg = Pattern.compile("ARG (\\w+)=(\\S+)").matcher(lines.get(i));
            if (arg.matches()) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).startsWith("FROM ")) {
                        lines.set(j, lines.get(j).replace("${" + arg.group(1) + "}", arg.group(2)));
                    }
                }
            }
        }
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                from = i;
            }
        }
        return lines.subList(from, lines.size());
    }

    /** The arguments of the stage's last {@code keyword} instruction. */
    private static String instruction(List<String> stage, String keyword) {
        String found = null;
        for (String line : stage) {
            if (line.startsWith(keyword + " ")) {
                found = line.substring(keyword.length() + 1).strip();
            }
        }
        assertThat(found).as(keyword).isNotNull();
        return found;
    }

    /** The tag the Dockerfile's header tells to build it with. */
    private static String buildTag(String dockerfile) {
        Matcher m = BUILD_TAG.matcher(DeployFiles.read(DeployFiles.path(dockerfile)));
        assertThat(m.find())
                .as(dockerfile + " documents its docker build command")
                .isTrue();
        assertThat(m.group(1)).isEqualTo(dockerfile);
        return m.group(2);
    }

    private static String pomProperty(Path pom, String name) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        Element properties = (Element)
                doc.getDocumentElement().getElementsByTagName("properties").item(0);
        return text(properties, name);
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        assertThat(nodes.getLength()).as("<" + tag + ">").isPositive();
        return nodes.item(0).getTextContent().strip();
    }
}
