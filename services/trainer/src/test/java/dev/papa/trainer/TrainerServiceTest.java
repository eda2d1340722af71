package dev.papa.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.papa.kafka.local.KafkaBrokerTestResource;
import dev.papa.kafka.local.PapaTopics;
import dev.papa.schemas.PapaSerdes;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The service end to end: starts, consumes examples, publishes an adapter, answers HTTP. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TinyModelTestResource.class)
class TrainerServiceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void consumesExamplesPublishesAnAdapterAndAnswers() throws Exception {
        // Avro caches record classes it resolves through the context class loader, in the
        // application's copy of the schema classes: make this thread's the application's, so the
        // records serialized below do not cache the JUnit class loader's copies.
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(TrainerServiceTest.class.getClassLoader());
        try {
            run();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static double metric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void run() throws Exception {
        TrainerTests.await("ready", Duration.ofSeconds(300), () ->
                given().get("/q/health/ready").statusCode() == 200);
        given().get("/api/v1/users/newcomer/state").then().statusCode(200)
                .body("version", equalTo(0)).body("feedbackCount", equalTo(0)).body("pending", equalTo(0));

        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 4; i++) { // round size 3 in %test: one round, one example pending
                producer.send(new ProducerRecord<>(PapaTopics.PREFERENCES, "quinn", PapaSerdes.PREFERENCE_EXAMPLE
                        .serialize(PapaTopics.PREFERENCES, TrainerTests.example("quinn", "q-" + i, 1f, i))));
            }
        }
        TrainerTests.await("version 1 of quinn", Duration.ofSeconds(300), () ->
                given().get("/api/v1/users/quinn/state").then().extract().path("version") instanceof Integer v && v >= 1);
        given().get("/api/v1/users/quinn/state").then().statusCode(200).body("userId", equalTo("quinn"));
        // the fourth example closes its round after max-wait (2 s in %test)
        TrainerTests.await("every example trained", Duration.ofSeconds(120), () ->
                given().get("/api/v1/users/quinn/state").then().extract().path("pending") instanceof Integer p && p == 0);
        int version = given().get("/api/v1/users/quinn/state").then().extract().path("version");
        int feedbackCount = given().get("/api/v1/users/quinn/state").then().extract().path("feedbackCount");
        // Normally two versions with all four applied; a step the engine rejects as non-finite is
        // dead-lettered instead (and a round with no applied step publishes no version).
        double rejected = metric("papa_trainer_updates_rejected_total");
        assertEquals(4, feedbackCount + (int) rejected);
        assertEquals(version, (int) metric("papa_trainer_adapters_published_total"));

        given().get("/api/v1/users/bad%20id!/state").then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400))
                .body("detail", containsString("userId must match"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.hasItems("papa-trainer-loop", "Kafka connection health check"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("papa_trainer_update_duration_seconds_count"))
                .body(containsString("papa_trainer_examples_consumed_total"))
                .body(containsString("papa_trainer_updates_retries_total"))
                .body(containsString("papa_trainer_consumer_lag"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/users/{userId}/state"));
    }
}
