package io.featurex.worker.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.AnnotatedMember;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads Kubernetes YAML into fabric8's typed model, as strictly as the API server's field
 * validation: an unknown or misspelt field, a duplicate key, or a number where the API wants a
 * string (an env value, a ConfigMap entry) is an error naming the file, document and field.
 * Kinds without a fabric8 class (KEDA's, kustomize's) become {@link GenericKubernetesResource}.
 */
final class KubernetesYaml {

    /** The typed kinds the manifests may use, by apiVersion and kind. */
    static final Map<String, Class<? extends HasMetadata>> TYPED = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);

    /** The untyped kinds the manifests may use: CRDs and kustomize's own file. */
    static final Set<String> GENERIC = Set.of(
            "keda.sh/v1alpha1/ScaledObject",
            "kafka.strimzi.io/v1beta2/KafkaUser",
            "keda.sh/v1alpha1/TriggerAuthentication",
            "kustomize.config.k8s.io/v1beta1/Kustomization");

    static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .annotationIntrospector(new NoCatchAllIntrospector())
            // Kubernetes refuses `value: 30000` for a string field; Jackson would accept it.
            .withCoercionConfig(
                    LogicalType.Textual,
                    c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    /** One YAML document of a file. */
    record Manifest(Path file, int document, HasMetadata object) {
        String kind() {
            return object.getKind();
        }

        @Override
        public String toString() {
            return file.getFileName() + "#" + document + " (" + object.getKind() + " " + name() + ")";
        }

        String name() {
            return object.getMetadata() == null ? "-" : object.getMetadata().getName();
        }
    }

    private KubernetesYaml() {}

    /** Every document of every .yaml/.yml file under {@code dir}, in path order. */
    static List<Manifest> readAll(Path dir) {
        List<Manifest> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(KubernetesYaml::isYaml).sorted().toList()) {
                all.addAll(read(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    static List<Manifest> read(Path file) {
        return parse(DeployFiles.read(file), file);
    }

    /** Parses YAML text (one or more documents); {@code origin} names it in errors. */
    static List<Manifest> parse(String yaml, Path origin) {
        List<Manifest> manifests = new ArrayList<>();
        int document = 0;
        try (MappingIterator<JsonNode> docs = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNextValue()) {
                JsonNode node = docs.nextValue();
                document++;
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue; // an empty document, e.g. after a trailing "---"
                }
                manifests.add(new Manifest(origin, document, toObject(node, origin, document)));
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    origin + " document " + (document + 1) + ": " + e.getOriginalMessage(), e);
        }
        return manifests;
    }

    private static HasMetadata toObject(JsonNode node, Path origin, int document) {
        String apiVersion = node.path("apiVersion").asString("");
        String kind = node.path("kind").asString("");
        String type = apiVersion + "/" + kind;
        Class<? extends HasMetadata> typed = TYPED.get(type);
        if (typed == null && !GENERIC.contains(type)) {
            throw new IllegalArgumentException(origin + " document " + document + ": unexpected kind '" + type
                    + "' (typed: " + TYPED.keySet() + ", generic: " + GENERIC + ")");
        }
        Class<? extends HasMetadata> target = typed != null ? typed : GenericKubernetesResource.class;
        try {
            return MAPPER.treeToValue(node, target);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    origin + " document " + document + " (" + type + "): " + e.getMessage(), e);
        }
    }

    /**
     * fabric8's classes keep unknown fields in an "additionalProperties" catch-all (a
     * {@code @JsonAnySetter}), so a misspelt field would be kept silently, as kubectl's
     * client-side validation once did. Without the catch-all, FAIL_ON_UNKNOWN_PROPERTIES
     * applies. {@link GenericKubernetesResource} keeps it: there it is how a CRD's spec is held.
     */
    private static final class NoCatchAllIntrospector extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
            if (a instanceof AnnotatedMember member) {
                Class<?> owner = member.getDeclaringClass();
                if (owner.getName().startsWith("io.fabric8.")
                        && !GenericKubernetesResource.class.isAssignableFrom(owner)) {
                    return Boolean.FALSE;
                }
            }
            return super.hasAnySetter(config, a);
        }
    }
}
