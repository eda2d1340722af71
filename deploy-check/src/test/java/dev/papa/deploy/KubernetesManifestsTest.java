package dev.papa.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.papa.kafka.local.PapaTopics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;

/**
 * Every manifest under k8s/ parses into the fabric8 Kubernetes model (typed objects for built-in
 * kinds, with no unknown or mistyped field), the Strimzi and KEDA resources have what their
 * operators need, the topics are PapaTopics', and kustomization.yaml applies every file.
 */
class KubernetesManifestsTest {

    /** API groups of the CRDs the manifests use; every other apiVersion must be a built-in, typed kind. */
    private static final Set<String> CRD_KINDS = Set.of(
            "kafka.strimzi.io/Kafka", "kafka.strimzi.io/KafkaNodePool", "kafka.strimzi.io/KafkaTopic",
            "keda.sh/ScaledObject");
    private static final Set<String> STRIMZI_VERSIONS = Set.of("kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2");

    private static Manifests manifests;

    @BeforeAll
    static void load() {
        manifests = Manifests.load();
    }

    @Test
    void everyDocumentIsATypedKubernetesObjectOrAKnownCustomResource() {
        assertFalse(manifests.all().isEmpty(), "no manifests under k8s/");
        List<String> problems = new ArrayList<>();
        for (Manifests.Manifest m : manifests.all()) {
            if (m.name() == null || m.name().isBlank()) {
                problems.add(m + ": no metadata.name");
            }
            String apiVersion = m.object().getApiVersion();
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            if (m.typed()) {
                List<String> unknown = new ArrayList<>();
                collectUnknownFields(m.object(), m.kind(), unknown, new IdentityHashMap<>());
                unknown.forEach(u -> problems.add(m + ": field not in the " + m.kind() + " schema (typo or wrong type?): " + u));
            } else if (!CRD_KINDS.contains(group + "/" + m.kind())) {
                problems.add(m + ": " + apiVersion + " " + m.kind() + " is neither a built-in kind of the fabric8 model nor one "
                        + "of the custom resources this deployment uses " + CRD_KINDS);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // The built-in kinds the deployment relies on did parse into their model classes.
        Set<String> typedKinds = new TreeSet<>();
        manifests.all().stream().filter(Manifests.Manifest::typed).forEach(m -> typedKinds.add(m.object().getClass().getSimpleName()));
        assertTrue(typedKinds.containsAll(Set.of("Namespace", "ConfigMap", "Deployment", "StatefulSet", "Service",
                "PodDisruptionBudget", "HorizontalPodAutoscaler")), "typed kinds found: " + typedKinds);
    }

    @Test
    void kustomizationAppliesEveryManifestFile() {
        JsonNode kustomization = Yaml.single(Repo.path("k8s/kustomization.yaml"));
        assertEquals("kustomize.config.k8s.io/v1beta1", kustomization.path("apiVersion").asText());
        assertEquals("Kustomization", kustomization.path("kind").asText());
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        assertEquals(new LinkedHashSet<>(listed).size(), listed.size(), "kustomization.yaml lists a file twice: " + listed);
        Set<String> files = new TreeSet<>(Repo.yamlFiles(Repo.path("k8s")));
        files.remove(Manifests.KUSTOMIZATION);
        assertEquals(files, new TreeSet<>(listed), "kustomization.yaml resources must be exactly the YAML files under k8s/");
        assertFalse(kustomization.path("namespace").asText("").isBlank(), "kustomization.yaml sets no namespace");
        assertTrue(manifests.find("Namespace", kustomization.path("namespace").asText()).isPresent(),
                "no Namespace manifest for " + kustomization.path("namespace").asText());
    }

    @Test
    void strimziKafkaClusterRunsKraftWithThreeDualRoleNodes() {
        List<Manifests.Manifest> kafkas = manifests.ofKind("Kafka");
        assertEquals(1, kafkas.size(), "one Kafka cluster");
        Manifests.Manifest kafka = kafkas.get(0);
        assertTrue(STRIMZI_VERSIONS.contains(kafka.object().getApiVersion()), kafka + ": " + kafka.object().getApiVersion());
        JsonNode spec = kafka.tree().path("spec").path("kafka");
        assertEquals(Repo.kafkaVersion(), spec.path("version").asText(),
                kafka + ": spec.kafka.version must be the Kafka version the project builds against (pom.xml kafka.version)");
        assertTrue(spec.path("listeners").isArray() && !spec.path("listeners").isEmpty(), kafka + ": no listeners");
        for (JsonNode listener : spec.path("listeners")) {
            for (String field : List.of("name", "port", "type", "tls")) {
                assertFalse(listener.path(field).isMissingNode(), kafka + ": listener without " + field + ": " + listener);
            }
        }
        assertTrue(spec.path("listeners").findValues("tls").stream().anyMatch(t -> !t.asBoolean()),
                kafka + ": the services connect over a plain listener");
        assertTrue(kafka.tree().path("spec").path("entityOperator").has("topicOperator"),
                kafka + ": the topic operator reconciles the KafkaTopic resources: spec.entityOperator.topicOperator");
        assertFalse(kafka.tree().path("spec").has("zookeeper"), kafka + ": KRaft only");

        List<Manifests.Manifest> pools = manifests.ofKind("KafkaNodePool").stream()
                .filter(p -> kafka.name().equals(labels(p).get("strimzi.io/cluster"))).toList();
        assertFalse(pools.isEmpty(), "no KafkaNodePool labelled strimzi.io/cluster: " + kafka.name());
        int brokers = 0;
        int controllers = 0;
        for (Manifests.Manifest pool : pools) {
            assertTrue(STRIMZI_VERSIONS.contains(pool.object().getApiVersion()), pool + ": " + pool.object().getApiVersion());
            JsonNode poolSpec = pool.tree().path("spec");
            int replicas = poolSpec.path("replicas").asInt(-1);
            assertTrue(replicas >= 1, pool + ": spec.replicas");
            List<String> roles = new ArrayList<>();
            poolSpec.path("roles").forEach(r -> roles.add(r.asText()));
            assertTrue(Set.of("broker", "controller").containsAll(roles) && !roles.isEmpty(), pool + ": roles " + roles);
            assertFalse(poolSpec.path("storage").path("type").asText("").isBlank(), pool + ": spec.storage.type");
            brokers += roles.contains("broker") ? replicas : 0;
            controllers += roles.contains("controller") ? replicas : 0;
        }
        assertEquals(3, brokers, "brokers");
        assertEquals(3, controllers, "KRaft controllers");
        JsonNode config = spec.path("config");
        assertTrue(config.path("default.replication.factor").asInt(1) <= brokers, "default.replication.factor > brokers");
        assertTrue(config.path("min.insync.replicas").asInt(1) < config.path("default.replication.factor").asInt(1),
                "min.insync.replicas must leave room for one broker down");
        assertEquals(3, config.path("transaction.state.log.replication.factor").asInt(3), "transactions (the trainer) need it");
    }

    @Test
    void kafkaTopicsAreExactlyTheCatalogue() {
        String cluster = manifests.ofKind("Kafka").get(0).name();
        Map<String, Manifests.Manifest> topics = new TreeMap<>();
        Set<Integer> partitions = new TreeSet<>();
        for (Manifests.Manifest topic : manifests.ofKind("KafkaTopic")) {
            assertTrue(STRIMZI_VERSIONS.contains(topic.object().getApiVersion()), topic + ": " + topic.object().getApiVersion());
            assertEquals(cluster, labels(topic).get("strimzi.io/cluster"), topic + ": strimzi.io/cluster label");
            JsonNode spec = topic.tree().path("spec");
            String name = spec.path("topicName").asText(topic.name());
            assertTrue(topics.put(name, topic) == null, "topic " + name + " defined twice");
            int count = spec.path("partitions").asInt(-1);
            assertTrue(count >= 1, topic + ": spec.partitions");
            partitions.add(count);
            assertEquals(3, spec.path("replicas").asInt(-1), topic + ": spec.replicas");
            Map<String, String> config = new TreeMap<>(Yaml.stringMap(spec.path("config")));
            assertEquals(new TreeMap<>(PapaTopics.topicConfig(name)), config,
                    topic + ": topic config must be PapaTopics.topicConfig(\"" + name + "\")");
        }
        assertEquals(new TreeSet<>(PapaTopics.ALL), topics.keySet(), "KafkaTopic resources vs PapaTopics.ALL");
        assertEquals(1, partitions.size(), "every topic has the same partition count (user keys land on the same partition "
                + "number everywhere; papa.images and papa.feedback are joined co-partitioned): " + partitions);
    }

    @Test
    void trainerScalesOnConsumerLagUpToThePartitionCount() {
        List<Manifests.Manifest> scaled = manifests.ofKind("ScaledObject");
        assertFalse(scaled.isEmpty(), "no KEDA ScaledObject");
        for (Manifests.Manifest so : scaled) {
            assertEquals("keda.sh/v1alpha1", so.object().getApiVersion(), so.toString());
            JsonNode spec = so.tree().path("spec");
            JsonNode target = spec.path("scaleTargetRef");
            String kind = target.path("kind").asText("Deployment");
            Manifests.Manifest workload = manifests.get(kind, target.path("name").asText());
            assertTrue(workload.typed(), so + ": targets " + workload);
            JsonNode trigger = spec.path("triggers").path(0);
            assertEquals("kafka", trigger.path("type").asText(), so + ": a kafka trigger");
            for (String field : List.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold")) {
                assertFalse(trigger.path("metadata").path(field).asText("").isBlank(), so + ": trigger metadata." + field);
            }
            String topic = trigger.path("metadata").path("topic").asText();
            int partitions = manifests.ofKind("KafkaTopic").stream()
                    .filter(t -> topic.equals(t.tree().path("spec").path("topicName").asText(t.name())))
                    .mapToInt(t -> t.tree().path("spec").path("partitions").asInt()).findFirst()
                    .orElseThrow(() -> new AssertionError(so + ": topic " + topic + " has no KafkaTopic"));
            assertEquals(partitions, spec.path("maxReplicaCount").asInt(-1),
                    so + ": maxReplicaCount must be the partition count of " + topic + " (more consumers would sit idle)");
            int min = spec.path("minReplicaCount").asInt(0);
            assertTrue(min >= 0 && min <= partitions, so + ": minReplicaCount " + min);
            assertTrue(workload.tree().path("spec").path("replicas").isMissingNode(),
                    workload + " is scaled by " + so + ": leave spec.replicas out, or every apply resets the count");
        }
    }

    @Test
    void samplerScalesOnCpu() {
        HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) manifests.get("HorizontalPodAutoscaler", "papa-sampler").object();
        String kind = hpa.getSpec().getScaleTargetRef().getKind();
        Manifests.Manifest target = manifests.get(kind, hpa.getSpec().getScaleTargetRef().getName());
        assertEquals("papa-sampler", target.name());
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        assertTrue(metrics.stream().anyMatch(m -> "Resource".equals(m.getType()) && "cpu".equals(m.getResource().getName())),
                "the sampler HPA scales on CPU");
        assertTrue(hpa.getSpec().getMinReplicas() >= 1 && hpa.getSpec().getMaxReplicas() >= hpa.getSpec().getMinReplicas());
        assertTrue(target.tree().path("spec").path("replicas").isMissingNode(),
                target + " is scaled by the HPA: leave spec.replicas out, or every apply resets the count");
    }

    @Test
    void noSecretValueInAnyManifest() {
        assertTrue(manifests.ofKind("Secret").isEmpty(),
                "no Secret in k8s/: create papa-token with kubectl (k8s/README.md), never commit its value");
        List<String> problems = new ArrayList<>();
        for (Manifests.Manifest m : manifests.ofKind("ConfigMap")) {
            Map<String, String> data = ((ConfigMap) m.object()).getData();
            if (data != null) {
                data.keySet().stream().filter(KubernetesManifestsTest::secretLike).forEach(k -> problems.add(m + ": " + k));
            }
        }
        for (String service : Repo.SERVICES) {
            manifests.workload("papa-" + service).ifPresent(w -> {
                for (EnvVar var : w.container().getEnv() == null ? List.<EnvVar>of() : w.container().getEnv()) {
                    if (secretLike(var.getName()) && var.getValue() != null) {
                        problems.add(w.manifest() + ": " + var.getName() + " has a literal value");
                    }
                }
            });
        }
        assertTrue(problems.isEmpty(), "secrets belong in a Secret (secretKeyRef), not in manifests:\n" + String.join("\n", problems));
        assertTrue(Repo.read(".gitignore").lines().anyMatch(l -> l.strip().equals(".env")),
                ".gitignore must keep .env (PAPA_TOKEN_SECRET for docker compose) out of git");
    }

    private static boolean secretLike(String name) {
        String upper = name.toUpperCase();
        return upper.contains("SECRET") || upper.contains("PASSWORD") || upper.contains("TOKEN");
    }

    private static Map<String, String> labels(Manifests.Manifest m) {
        Map<String, String> labels = m.object().getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    /**
     * The fabric8 model keeps fields it does not know (and values of the wrong type) in
     * additionalProperties instead of failing: any non-empty one is a typo in a manifest.
     */
    static void collectUnknownFields(Object value, String path, List<String> out, Map<Object, Boolean> seen) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value.getClass().isPrimitive() || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, out, seen));
            return;
        }
        if (value instanceof GenericKubernetesResource || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object result;
            try {
                result = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (result instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + " " + extra.keySet());
                }
                continue;
            }
            String property = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            collectUnknownFields(result, path + "." + property, out, seen);
        }
    }

    @Test
    void aMisspelledOrMistypedFieldIsCaught() throws Exception {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: typo
                spec:
                  selector:
                    matchLabels: {app: typo}
                  template:
                    metadata:
                      labels: {app: typo}
                    spec:
                      containers:
                        - name: c
                          image: c:1
                          readinesProbe:
                            httpGet: {path: /q/health/ready, port: 8080}
                          ports:
                            - containerPort: 8080
                          resources:
                            limit: {cpu: "1"}
                """;
        JsonNode tree = Yaml.MAPPER.readTree(deployment);
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(Manifests.parse("inline", tree), "Deployment", unknown, new IdentityHashMap<>());
        assertEquals(2, unknown.size(), unknown.toString());
        assertTrue(unknown.stream().anyMatch(u -> u.contains("[readinesProbe]")), unknown.toString());
        assertTrue(unknown.stream().anyMatch(u -> u.contains("[limit]")), unknown.toString());
        // A value of the wrong type does not parse at all.
        JsonNode mistyped = Yaml.MAPPER.readTree(deployment.replace("containerPort: 8080", "containerPort: eighty"));
        assertThrows(IllegalArgumentException.class, () -> Manifests.parse("inline", mistyped));
    }
}
