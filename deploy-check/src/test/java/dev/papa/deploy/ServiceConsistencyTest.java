package dev.papa.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment agrees with each service's own application.properties: port, health and metrics
 * paths, the environment variables (each must set a property the service declares), topics
 * (PapaTopics), image names, the base model path and the token secret's source. The second half
 * shows that a renamed property or a changed port in a service would fail this test.
 */
class ServiceConsistencyTest {

    private static Consistency consistency;

    @BeforeAll
    static void load() {
        consistency = Consistency.load();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sampler", "feedback", "trainer"})
    void deploymentMatchesTheServiceConfiguration(String service) {
        ServiceProperties props = ServiceProperties.of(service);
        List<String> problems = consistency.problems(service, props);
        assertTrue(problems.isEmpty(), "docker-compose.yml / k8s/ / deploy/ disagree with " + props.source() + ":\n  "
                + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sampler", "feedback", "trainer"})
    void aChangedPortIsCaught(String service) {
        ServiceProperties real = ServiceProperties.of(service);
        String text = Repo.read(Repo.serviceProperties(service)).replaceAll("(?m)^quarkus\\.http\\.port=.*$", "quarkus.http.port=9999");
        List<String> problems = consistency.problems(service, ServiceProperties.parse(real.source(), text));
        assertTrue(problems.stream().anyMatch(p -> p.contains("docker-compose.yml") && p.contains("9999")), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.contains("Deployment") || p.contains("StatefulSet")), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.contains("probe")), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.contains("prometheus.yml")), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.contains("HEALTHCHECK")), String.join("\n", problems));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sampler", "feedback", "trainer"})
    void aRenamedPropertyIsCaught(String service) {
        ServiceProperties real = ServiceProperties.of(service);
        String key = real.declares("papa.topics.preferences") ? "papa.topics.preferences" : "kafka.bootstrap.servers";
        String text = Repo.read(Repo.serviceProperties(service)).replaceAll("(?m)^" + key.replace(".", "\\.") + "=",
                key + "-renamed=");
        List<String> problems = consistency.problems(service, ServiceProperties.parse(real.source(), text));
        String env = ServiceProperties.envName(key);
        assertTrue(problems.stream().anyMatch(p -> p.contains("docker-compose.yml") && p.contains(env + ", which maps to no property")),
                String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> !p.contains("docker-compose.yml") && p.contains(env + ", which maps to no property")),
                String.join("\n", problems));
    }

    @Test
    void aRenamedConsumerGroupPropertyIsCaught() {
        ServiceProperties real = ServiceProperties.of("trainer");
        String text = Repo.read(Repo.serviceProperties("trainer")).replaceAll("(?m)^papa\\.trainer\\.group-id=",
                "papa.trainer.consumer-group=");
        List<String> problems = consistency.problems("trainer", ServiceProperties.parse(real.source(), text));
        assertTrue(problems.stream().anyMatch(p -> p.contains("PAPA_TRAINER_GROUP_ID, which maps to no property")),
                String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.contains("ScaledObject")), String.join("\n", problems));
    }
}
