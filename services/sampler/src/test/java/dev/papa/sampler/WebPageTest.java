package dev.papa.sampler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.papa.AdapterKind;
import dev.papa.engine.papa.PersonalizedModel;
import dev.papa.kafka.local.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web page's files, its settings endpoint, and the server-sent events of adapter versions. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TinyBaseModelResource.class)
class WebPageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void thePageAndItsFilesAreServed() {
        given().when().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<script src=\"app.js\""))
                .body(containsString("id=\"user-id\""));
        given().when().get("/app.js").then().statusCode(200).contentType(containsString("javascript"))
                .body(containsString("/adapter/events"));
        given().when().get("/style.css").then().statusCode(200).contentType(containsString("text/css"));
    }

    @Test
    void theSettingsSayWhereTheFeedbackApiIs() {
        given().when().get("/api/v1/web/config").then().statusCode(200)
                .body("feedbackUrl", equalTo("http://localhost:8082"))
                .body("imagesPerRound", equalTo(10))
                .body("steps", equalTo(25))
                .body("updateTimeoutSeconds", equalTo(120));
    }

    @Test
    void theEventStreamSendsTheServedVersionThenEachNewOne() throws Exception {
        String user = "sse-user";
        try (EventStream events = EventStream.open(user)) {
            assertEquals("text/event-stream", events.contentType);
            JsonNode first = events.next();
            assertEquals(user, first.get("userId").asText());
            assertEquals(0, first.get("version").asLong());
            assertTrue(first.get("publishedAt").isNull());

            publish(user, 1, 0.05f);
            JsonNode second = events.next();
            assertEquals(1, second.get("version").asLong());
            assertEquals(10, second.get("feedbackCount").asLong());
            assertNotNull(second.get("publishedAt").asText());

            // Another user's version is not on this stream; this user's next one is.
            publish("someone-else", 1, 0.05f);
            publish(user, 2, -0.05f);
            assertEquals(2, events.next().get("version").asLong());
        }
        // A new subscriber starts from the version served now.
        try (EventStream again = EventStream.open(user)) {
            assertEquals(2, again.next().get("version").asLong());
        }
    }

    @Test
    void aBadUserIdIsAProblem() {
        given().accept("text/event-stream").when().get("/api/v1/users/{u}/adapter/events", "no spaces")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("detail", containsString("userId"));
        given().accept("text/event-stream").when().get("/api/v1/users/{u}/adapter/events", "x".repeat(65))
                .then().statusCode(400).contentType("application/problem+json");
    }

    private static void publish(String user, long version, float shift) {
        try (PersonalizedModel model = PersonalizedModel.create(TestKafka.base(), AdapterKind.LORA, new LoraSpec(4, 4f))) {
            byte[] adapter = TestKafka.shifted(model.exportAdapter(), shift).toBytes();
            TestKafka.publishAdapter(TestKafka.adapterRecord(user, version, TestKafka.base().id(), adapter));
        }
    }

    /** A text/event-stream read line by line on a thread of its own; {@link #next} takes one event's data. */
    private static final class EventStream implements AutoCloseable {
        private final BlockingQueue<String> data = new ArrayBlockingQueue<>(100);
        private final InputStream body;
        private final String contentType;

        private EventStream(HttpResponse<InputStream> response) {
            this.body = response.body();
            this.contentType = response.headers().firstValue("Content-Type").orElse("").split(";")[0];
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("data:")) {
                            data.add(line.substring(5).trim());
                        }
                    }
                } catch (Exception e) {
                    // closed by the test
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static EventStream open(String user) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                            + "/api/v1/users/" + user + "/adapter/events"))
                    .header("Accept", "text/event-stream").build();
            HttpResponse<InputStream> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            return new EventStream(response);
        }

        JsonNode next() throws Exception {
            String event = data.poll(30, TimeUnit.SECONDS);
            assertNotNull(event, "no event within 30 s");
            return JSON.readTree(event);
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }
}
