package dev.papa.sampler;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Liveness: the adapter consumer runs. Readiness: model loaded, adapters caught up, Kafka answers. */
public class SamplerHealth {

    private static final int KAFKA_TIMEOUT_MS = 3000;

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        @Inject
        AdapterConsumer consumer;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("adapter-consumer").status(consumer.isAlive()).build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        GenerationEngine engine;
        @Inject
        AdapterConsumer consumer;
        @Inject
        @Identifier("default-kafka-broker")
        Map<String, Object> kafkaConfig;

        private Admin admin;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("sampler");
            boolean model = engine.isLoaded();
            boolean adapters = consumer.isCaughtUp();
            String kafka = kafkaNodes();
            b.withData("baseModel", model ? engine.baseModelId() : "not loaded");
            b.withData("adaptersCaughtUp", adapters);
            b.withData("kafka", kafka != null ? kafka : "unreachable");
            return b.status(model && adapters && kafka != null).build();
        }

        /** The broker count, or null when Kafka does not answer within a few seconds. */
        private String kafkaNodes() {
            try {
                int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(KAFKA_TIMEOUT_MS))
                        .nodes().get(KAFKA_TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
                return nodes + " broker(s)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (Exception e) {
                return null;
            }
        }

        private synchronized Admin admin() {
            if (admin == null) {
                Map<String, Object> config = new HashMap<>(kafkaConfig);
                config.put(AdminClientConfig.CLIENT_ID_CONFIG, AdapterConsumer.SERVICE + "-health");
                config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, KAFKA_TIMEOUT_MS);
                config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, KAFKA_TIMEOUT_MS);
                admin = Admin.create(config);
            }
            return admin;
        }

        synchronized void stop(@Observes ShutdownEvent event) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
                admin = null;
            }
        }
    }
}
