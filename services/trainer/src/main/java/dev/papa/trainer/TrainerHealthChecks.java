package dev.papa.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Liveness: the loop thread runs and made progress within papa.trainer.stall-timeout.
 * Readiness: that, plus the partitions are assigned and the users' state is rebuilt from
 * papa.adapters (the loop is caught up with the adapter topic and consuming). Kafka's own
 * readiness check (quarkus.kafka.health.enabled) runs beside these.
 */
@ApplicationScoped
public class TrainerHealthChecks {

    @Inject
    TrainerService service;

    @Liveness
    HealthCheck loopAlive() {
        return () -> check(TrainingLoop::isAlive);
    }

    @Readiness
    HealthCheck loopReady() {
        return () -> check(TrainingLoop::isReady);
    }

    private HealthCheckResponse check(java.util.function.Predicate<TrainingLoop> up) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("papa-trainer-loop");
        return service.loop()
                .map(loop -> details(b, loop).status(up.test(loop)).build())
                .orElseGet(() -> b.up().withData("enabled", false).build());
    }

    private static HealthCheckResponseBuilder details(HealthCheckResponseBuilder b, TrainingLoop loop) {
        b.withData("status", loop.status().name())
                .withData("assignedPartitions", loop.assignedPartitions().toString())
                .withData("consumerLag", loop.consumerLag())
                .withData("pendingExamples", loop.pendingExamples());
        if (loop.lastError() != null) {
            b.withData("lastError", loop.lastError());
        }
        return b;
    }
}
