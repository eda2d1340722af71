package dev.papa.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The reading of application.properties that the consistency checks rely on. */
class ServicePropertiesTest {

    private static final ServiceProperties PROPS = ServiceProperties.parse("test.properties", """
            quarkus.http.port=8081
            %test.quarkus.http.port=0
            kafka.bootstrap.servers=${KAFKA_BOOTSTRAP_SERVERS:localhost:9092}
            quarkus.kafka-streams.bootstrap-servers=${kafka.bootstrap.servers}
            papa.topics.dead-letter=papa.deadletter
            papa.model.base-path=${PAPA_MODEL_BASE_PATH:models/mnist-base.ckpt}
            %dev.papa.token.secret=dev-only
            papa.feedback.join-timeout=30s
            %prod.papa.feedback.join-timeout=45s
            state.dir=${java.io.tmpdir}/streams
            """);

    @Test
    void envNamesFollowQuarkus() {
        assertEquals("PAPA_TOPICS_DEAD_LETTER", ServiceProperties.envName("papa.topics.dead-letter"));
        assertEquals("KAFKA_BOOTSTRAP_SERVERS", ServiceProperties.envName("kafka.bootstrap.servers"));
        assertEquals("QUARKUS_LOG_CATEGORY__DEV_PAPA__LEVEL", ServiceProperties.envName("quarkus.log.category.\"dev.papa\".level"));
        assertEquals(Optional.of("papa.topics.dead-letter"), PROPS.keyForEnv("PAPA_TOPICS_DEAD_LETTER"));
        assertEquals(Optional.of("papa.token.secret"), PROPS.keyForEnv("PAPA_TOKEN_SECRET"), "declared in a profile only");
        assertEquals(Optional.empty(), PROPS.keyForEnv("PAPA_TOPICS_DEADLETTER"));
    }

    @Test
    void prodValuesResolveExpressionsAgainstTheFile() {
        assertEquals(8081, PROPS.httpPort());
        assertEquals(Optional.of("localhost:9092"), PROPS.value("kafka.bootstrap.servers"));
        assertEquals(Optional.of("localhost:9092"), PROPS.value("quarkus.kafka-streams.bootstrap-servers"));
        assertEquals(Optional.of("models/mnist-base.ckpt"), PROPS.value("papa.model.base-path"));
        assertEquals(Optional.of("45s"), PROPS.value("papa.feedback.join-timeout"));
        assertEquals(Optional.of("/streams"), PROPS.value("state.dir"));
        assertEquals(Optional.empty(), PROPS.value("papa.token.secret"), "no prod value: it must come from a Secret");
        assertTrue(PROPS.declares("papa.token.secret"));
        assertFalse(PROPS.declares("papa.topics.images"));
    }

    @Test
    void quarkusDefaultPaths() {
        assertEquals("/q/health/live", PROPS.livenessPath());
        assertEquals("/q/health/ready", PROPS.readinessPath());
        assertEquals("/q/metrics", PROPS.metricsPath());
        ServiceProperties moved = ServiceProperties.parse("moved", """
                quarkus.http.port=1
                quarkus.http.non-application-root-path=/management
                quarkus.smallrye-health.liveness-path=alive
                quarkus.micrometer.export.prometheus.path=/prometheus
                """);
        assertEquals("/management/health/alive", moved.livenessPath());
        assertEquals("/prometheus", moved.metricsPath());
    }
}
