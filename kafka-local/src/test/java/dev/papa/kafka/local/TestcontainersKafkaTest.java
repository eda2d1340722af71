package dev.papa.kafka.local;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same produce/consume check against the official apache/kafka image, for machines with a
 * Docker engine. Without one (the build machines) the class is skipped, not failed.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersKafkaTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.2");

    @Test
    void roundTripsRecordsOnTheOfficialImage() throws Exception {
        KafkaRoundTrip.check(KAFKA.getBootstrapServers(), 3, 50);
    }
}
