package dev.papa.feedback;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.papa.feedback.api.FeedbackPublisher;
import dev.papa.feedback.stream.JoinSettings;

/**
 * Ready when the join can work: Kafka Streams is RUNNING (not starting, rebalancing or dead) and
 * the images and feedback topics have the same partition count, which the join relies on and
 * Kafka Streams does not check for a Processor API topology. (The Kafka Streams extension's own
 * checks add liveness on the Streams state and readiness on the topics existing; the Kafka client
 * extension adds readiness on the broker connection.)
 */
@Readiness
@ApplicationScoped
public class JoinReadiness implements HealthCheck {

    @Inject
    KafkaStreams streams;

    @Inject
    FeedbackPublisher publisher;

    @Inject
    JoinSettings settings;

    private volatile String coPartitioned;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("papa-feedback join");
        KafkaStreams.State state = streams.state();
        response.withData("state", state.name());
        if (state != KafkaStreams.State.RUNNING) {
            return response.down().build();
        }
        String partitions = coPartitioned;
        if (partitions == null) {
            try {
                int images = publisher.partitionCount(settings.imagesTopic());
                int feedback = publisher.partitionCount(settings.feedbackTopic());
                if (images != feedback) {
                    return response.down().withData("co-partitioning", settings.imagesTopic() + " has " + images
                            + " partitions, " + settings.feedbackTopic() + " has " + feedback + ": they must be equal").build();
                }
                partitions = Integer.toString(images);
                coPartitioned = partitions;
            } catch (RuntimeException e) {
                return response.down().withData("co-partitioning", "unknown: " + e.getMessage()).build();
            }
        }
        return response.up().withData("partitions", partitions).build();
    }
}
