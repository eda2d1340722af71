package dev.papa.feedback.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.papa.feedback.FeedbackConfig;
import dev.papa.feedback.TopicsConfig;
import dev.papa.schemas.FeedbackGiven;
import dev.papa.schemas.PapaSerdes;
import io.smallrye.common.annotation.Identifier;

/**
 * Writes FeedbackGiven records (key = imageId) and waits until Kafka acknowledged them
 * ({@code acks=all}, idempotent producer). The client settings are the application's
 * {@code kafka.*} properties (bootstrap servers, security), as the Kafka client extension
 * collects them.
 */
@ApplicationScoped
public class FeedbackPublisher {

    private final Producer<String, FeedbackGiven> producer;
    private final String topic;
    private final Duration timeout;

    @Inject
    public FeedbackPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, TopicsConfig topics,
            FeedbackConfig config) {
        this.topic = topics.feedback();
        this.timeout = config.sendTimeout();
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        props.remove("group.id");
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "papa-feedback-http");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), PapaSerdes.FEEDBACK_GIVEN);
    }

    /**
     * Writes {@code feedback} and returns once Kafka acknowledged it.
     *
     * @throws ProblemException 503 if Kafka did not acknowledge within the send timeout
     */
    public void publish(FeedbackGiven feedback) {
        try {
            producer.send(new ProducerRecord<>(topic, feedback.getImageId(), feedback))
                    .get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** The partition count of {@code topic}, from the producer's metadata (blocks up to the send timeout). */
    public int partitionCount(String topic) {
        return producer.partitionsFor(topic).size();
    }

    private static ProblemException unavailable(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new ProblemException(ProblemKind.UNAVAILABLE, "Kafka did not acknowledge the feedback in time ("
                + cause.getMessage() + "); retry with the same feedbackId, it is applied once", null, cause);
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
