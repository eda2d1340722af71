package dev.papa.sampler;

import dev.papa.schemas.ImageGenerated;
import dev.papa.schemas.PapaSerdes;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Publishes ImageGenerated records (key = image id) and waits until Kafka acknowledged each. */
@ApplicationScoped
public class ImagePublisher {

    /** Kafka did not acknowledge every record in time. */
    public static class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @ConfigProperty(name = "papa.topics.images")
    String topic;
    @ConfigProperty(name = "papa.sampler.publish-timeout")
    Duration timeout;

    @Inject
    KafkaClients kafka;

    private KafkaProducer<String, ImageGenerated> producer;

    private synchronized KafkaProducer<String, ImageGenerated> producer() {
        if (producer == null) {
            producer = kafka.producer(AdapterConsumer.SERVICE + "-images", new StringSerializer(),
                    PapaSerdes.IMAGE_GENERATED.serializer());
        }
        return producer;
    }

    void stop(@Observes ShutdownEvent event) {
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
        }
    }

    /**
     * Sends every image and returns once all are acknowledged (acks=all). Throws
     * {@link PublishException} otherwise: the caller then hands out no image, so a record that
     * did get written has no token and can never receive feedback.
     */
    public void publish(List<ImageGenerated> images) {
        KafkaProducer<String, ImageGenerated> p = producer();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try {
            for (ImageGenerated image : images) {
                acks.add(p.send(new ProducerRecord<>(topic, image.getImageId(), image)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing images", e);
        } catch (ExecutionException e) {
            throw new PublishException("Kafka refused the images: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge the images within " + timeout, e);
        } catch (RuntimeException e) {
            throw new PublishException("the images could not be sent to Kafka: " + e.getMessage(), e);
        }
    }
}
