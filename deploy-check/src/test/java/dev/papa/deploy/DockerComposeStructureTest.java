package dev.papa.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.papa.kafka.local.PapaTopics;

/**
 * docker-compose.yml read with a YAML parser, so its shape is checked even where no Compose binary
 * exists: a KRaft broker on the official image with a named volume, a one-shot topic creation
 * matching PapaTopics, and the services waiting for it.
 */
class DockerComposeStructureTest {

    private static final Pattern TOPIC = Pattern.compile("--topic\\s+(\\S+)");
    private static final Pattern PARTITIONS = Pattern.compile("--partitions\\s+(\\d+)");
    private static final Pattern REPLICATION = Pattern.compile("--replication-factor\\s+(\\d+)");
    private static final Pattern CONFIG = Pattern.compile("--config\\s+([^=\\s]+)=(\\S+)");

    private static Compose compose;

    @BeforeAll
    static void load() {
        compose = Compose.load();
    }

    @Test
    void servicesAreTheBrokerTheTopicStepTheThreeServicesAndPrometheus() {
        Set<String> names = new TreeSet<>();
        compose.root.path("services").fieldNames().forEachRemaining(names::add);
        Set<String> expected = new TreeSet<>(Repo.SERVICES);
        expected.addAll(List.of("kafka", "kafka-init", "prometheus"));
        assertEquals(expected, names);
        assertTrue(compose.root.path("version").isMissingNode(), "the Compose Specification has no top-level version");
    }

    @Test
    void kafkaIsOneKraftNodeOfTheOfficialImageWithItsVolume() {
        JsonNode kafka = compose.service("kafka");
        assertEquals("apache/kafka:" + Repo.kafkaVersion(), kafka.path("image").asText(),
                "the official image of the Kafka version the project builds against (pom.xml kafka.version)");
        Map<String, String> env = compose.environment("kafka");
        assertEquals(Set.of("broker", "controller"), Set.of(env.getOrDefault("KAFKA_PROCESS_ROLES", "").split("\\s*,\\s*")),
                "combined roles (KRaft)");
        String nodeId = env.get("KAFKA_NODE_ID");
        assertTrue(nodeId != null && env.getOrDefault("KAFKA_CONTROLLER_QUORUM_VOTERS", "").startsWith(nodeId + "@"),
                "the node is the only KRaft voter");
        assertFalse(env.getOrDefault("CLUSTER_ID", "").isBlank(), "CLUSTER_ID formats the log dir on the first start");
        for (String var : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
            assertEquals("1", env.get(var), var + " on a single broker (the trainer uses transactions)");
        }
        String logDirs = env.get("KAFKA_LOG_DIRS");
        assertTrue(logDirs != null && !logDirs.contains(","), "KAFKA_LOG_DIRS: one log dir");
        boolean mounted = false;
        for (JsonNode volume : kafka.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts.length >= 2 && parts[1].equals(logDirs)) {
                mounted = true;
                assertFalse(parts[0].startsWith(".") || parts[0].startsWith("/"), "a named volume, not a bind mount: " + volume);
                assertTrue(compose.root.path("volumes").has(parts[0]), "volume " + parts[0] + " is declared at the top level");
            }
        }
        assertTrue(mounted, "the log dir " + logDirs + " lives on a volume");
        assertFalse(kafka.path("healthcheck").path("test").isMissingNode(), "kafka-init waits for the broker's health check");
    }

    @Test
    void kafkaInitCreatesExactlyTheCatalogueTopics() {
        JsonNode init = compose.service("kafka-init");
        assertEquals(compose.service("kafka").path("image").asText(), init.path("image").asText(),
                "kafka-topics.sh from the broker's own image");
        assertEquals("service_healthy", init.path("depends_on").path("kafka").path("condition").asText());
        assertFalse(init.path("restart").asText("no").matches("always|unless-stopped|on-failure.*"), "a one-shot step");
        Map<String, Map<String, String>> configs = new TreeMap<>();
        for (String line : compose.topicCommands("kafka-init")) {
            Matcher topic = TOPIC.matcher(line);
            Matcher partitions = PARTITIONS.matcher(line);
            Matcher replication = REPLICATION.matcher(line);
            assertTrue(topic.find() && partitions.find() && replication.find(), "topic, partitions and replication: " + line);
            assertTrue(line.contains("--if-not-exists"), "idempotent (compose up again): " + line);
            assertEquals(PapaTopics.DEFAULT_PARTITIONS, Integer.parseInt(partitions.group(1)), line);
            assertEquals(1, Integer.parseInt(replication.group(1)), line);
            Map<String, String> config = new TreeMap<>();
            Matcher c = CONFIG.matcher(line);
            while (c.find()) {
                config.put(c.group(1), c.group(2));
            }
            assertTrue(configs.put(topic.group(1), config) == null, "topic created twice: " + topic.group(1));
        }
        assertEquals(new TreeSet<>(PapaTopics.ALL), configs.keySet(), "kafka-init topics vs PapaTopics.ALL");
        for (String topic : PapaTopics.ALL) {
            assertEquals(new TreeMap<>(PapaTopics.topicConfig(topic)), configs.get(topic), "config of " + topic);
        }
    }

    @Test
    void servicesWaitForTheTopicsAndTakeTheSecretFromTheEnvironment() {
        List<String> problems = new ArrayList<>();
        for (String service : Repo.SERVICES) {
            JsonNode node = compose.service(service);
            if (!"service_completed_successfully".equals(node.path("depends_on").path("kafka-init").path("condition").asText())) {
                problems.add(service + ": depends_on kafka-init, condition service_completed_successfully");
            }
            if (node.path("build").isMissingNode() || node.path("image").isMissingNode()) {
                problems.add(service + ": built from deploy/ and tagged (build + image)");
            }
            String secret = compose.environment(service).get("PAPA_TOKEN_SECRET");
            if (secret != null && !Consistency.SECRET_FROM_ENVIRONMENT.matcher(secret).matches()) {
                problems.add(service + ": PAPA_TOKEN_SECRET must be interpolated from the environment / .env with no "
                        + "default (${PAPA_TOKEN_SECRET:?...}), not written here");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        String sampler = compose.environment("sampler").get("PAPA_TOKEN_SECRET");
        assertEquals(sampler, compose.environment("feedback").get("PAPA_TOKEN_SECRET"),
                "sampler and feedback share one token secret");
    }

    @Test
    void prometheusScrapesWithTheMountedConfig() {
        JsonNode prometheus = compose.service("prometheus");
        assertTrue(prometheus.path("image").asText().startsWith("prom/prometheus:"), prometheus.path("image").asText());
        boolean mounted = false;
        for (JsonNode volume : prometheus.path("volumes")) {
            mounted |= volume.asText().startsWith("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml");
        }
        assertTrue(mounted, "deploy/prometheus.yml is Prometheus' configuration");
        JsonNode config = Yaml.single(Repo.path("deploy/prometheus.yml"));
        assertEquals(Repo.SERVICES.size(), config.path("scrape_configs").size(), "one scrape job per service");
    }
}
