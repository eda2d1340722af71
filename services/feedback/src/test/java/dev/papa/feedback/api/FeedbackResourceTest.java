package dev.papa.feedback.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.papa.feedback.Fixtures;
import dev.papa.kafka.local.KafkaBrokerTestResource;
import dev.papa.schemas.FeedbackGiven;
import dev.papa.schemas.FeedbackKind;
import dev.papa.schemas.FeedbackTokens;
import dev.papa.schemas.ImageGenerated;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.PreferenceExample;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
class FeedbackResourceTest {

    private static final String PATH = FeedbackResource.PATH;
    private static final String FEEDBACK = "papa.feedback";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static KafkaProbe kafka;

    @Inject
    KafkaStreams streams;

    @Inject
    ImageDirectory directory;

    @TestHTTPResource(PATH)
    URI endpoint;

    @ConfigProperty(name = "papa.token.secret")
    String secret;

    @BeforeAll
    static void probe() {
        kafka = new KafkaProbe();
    }

    @AfterAll
    static void closeProbe() {
        kafka.close();
    }

    @BeforeEach
    void streamsRunning() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Kafka Streams is " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    private String token(String userId, String imageId) {
        return new FeedbackTokens(secret).sign(userId, imageId);
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** Publishes an image as the sampler would and waits until the join's store has it. */
    private ImageGenerated publishImage(String userId) throws InterruptedException {
        ImageGenerated image = Fixtures.image(id("img"), userId, Instant.now(), 2);
        kafka.send("papa.images", image.getImageId(), image, PapaSerdes.IMAGE_GENERATED);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(directory.lookup(image.getImageId()) instanceof ImageDirectory.Lookup.Known)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("image never reached the store");
            }
            Thread.sleep(50);
        }
        return image;
    }

    private static ValidatableResponse post(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post(PATH).then();
    }

    private ConsumerRecord<String, FeedbackGiven> feedbackRecord(String feedbackId) {
        return kafka.await(FEEDBACK, PapaSerdes.FEEDBACK_GIVEN, r -> r.value().getFeedbackId().equals(feedbackId), WAIT);
    }

    @Test
    void aLikeIsAcceptedAndWrittenToTheFeedbackTopic() {
        String image = id("img");
        String feedbackId = post(Map.of("imageId", image, "userId", "alice", "token", token("alice", image), "liked", true))
                .statusCode(202)
                .contentType(ContentType.JSON)
                .body("status", equalTo("accepted"))
                .body("feedbackId", notNullValue())
                .extract().path("feedbackId");

        ConsumerRecord<String, FeedbackGiven> record = feedbackRecord(feedbackId);
        assertEquals(image, record.key());
        assertEquals("alice", record.value().getUserId());
        assertEquals(FeedbackKind.LIKE, record.value().getKind());
        assertEquals(1f, record.value().getValue());
    }

    @Test
    void aScoreWithTheClientsFeedbackIdIsAccepted() {
        String image = id("img");
        String feedbackId = UUID.randomUUID().toString();
        post(Map.of("feedbackId", feedbackId, "imageId", image, "userId", "bob", "token", token("bob", image), "score", -0.25))
                .statusCode(202)
                .body("feedbackId", equalTo(feedbackId))
                .body("status", equalTo("accepted"));

        FeedbackGiven given = feedbackRecord(feedbackId).value();
        assertEquals(FeedbackKind.SCORE, given.getKind());
        assertEquals(-0.25f, given.getValue());
        assertEquals(image, given.getImageId());
    }

    @Test
    void feedbackOnAPublishedImageBecomesAPreferenceExampleForTheUser() throws InterruptedException {
        String user = id("carol");
        ImageGenerated image = publishImage(user);
        String feedbackId = post(Map.of("imageId", image.getImageId(), "userId", user,
                "token", token(user, image.getImageId()), "liked", false))
                .statusCode(202).extract().path("feedbackId");

        ConsumerRecord<String, PreferenceExample> record = kafka.await("papa.preferences", PapaSerdes.PREFERENCE_EXAMPLE,
                r -> r.value().getFeedbackId().equals(feedbackId), WAIT);
        assertEquals(user, record.key());
        PreferenceExample example = record.value();
        assertEquals(image.getImageId(), example.getImageId());
        assertEquals(FeedbackKind.DISLIKE, example.getKind());
        assertEquals(-1f, example.getValue());
        assertEquals(2L, example.getAdapterVersion());
        assertArrayEquals(Fixtures.bytes(image.getPixels()), Fixtures.bytes(example.getPixels()));
    }

    private ValidatableResponse expectProblem(ValidatableResponse response, int status, String slug) {
        return response.statusCode(status)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(slug.startsWith("about:") ? slug : "urn:papa:problem:" + slug))
                .body("title", notNullValue())
                .body("status", equalTo(status))
                .body("detail", notNullValue());
    }

    private interface Request {
        ValidatableResponse send();
    }

    private ValidatableResponse writesNothing(Request request) {
        Map<TopicPartition, Long> before = kafka.endOffsets(FEEDBACK);
        ValidatableResponse response = request.send();
        assertEquals(before, kafka.endOffsets(FEEDBACK), "nothing may be written to papa.feedback");
        return response;
    }

    private static String json(String image, String user, String token, String value) {
        return "{\"imageId\":\"" + image + "\",\"userId\":\"" + user + "\",\"token\":\"" + token + "\"" + value + "}";
    }

    @Test
    void malformedJsonIsA400Problem() {
        expectProblem(writesNothing(() -> post("{\"imageId\": \"img-1\", \"liked\": tru")), 400, "malformed-json")
                .body("detail", containsString("not valid JSON"));
        expectProblem(writesNothing(() -> post("{\"imageId\":\"a\",\"imageId\":\"b\"}")), 400, "malformed-json");
        expectProblem(writesNothing(() -> post("{} {}")), 400, "malformed-json");
        expectProblem(writesNothing(() -> post("")), 400, "invalid-request");
        expectProblem(writesNothing(() -> post("[1, 2]")), 400, "invalid-request");
    }

    @Test
    void missingFieldsAreA400ProblemNamingThem() {
        expectProblem(writesNothing(() -> post("{\"liked\": true}")), 400, "invalid-request")
                .body("violations.field", hasItem("imageId"))
                .body("violations.field", hasItem("userId"))
                .body("violations.field", hasItem("token"));
    }

    @Test
    void outOfRangeAndWronglyTypedValuesAreA400Problem() {
        String image = id("img");
        String token = token("alice", image);
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"score\":1.5"))), 400, "invalid-request")
                .body("violations.field", hasItem("score"));
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"score\":-1e400"))), 400, "invalid-request");
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"score\":\"0.5\""))), 400, "invalid-request")
                .body("detail", containsString("score"));
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"liked\":\"yes\""))), 400, "invalid-request");
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"liked\":1"))), 400, "invalid-request");
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"liked\":true,\"colour\":\"red\""))), 400,
                "invalid-request").body("detail", containsString("colour"));
        expectProblem(writesNothing(() -> post(json("bad id!", "alice", token, ",\"liked\":true"))), 400, "invalid-request")
                .body("violations.field", hasItem("imageId"));
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"feedbackId\":\"\",\"liked\":true"))), 400,
                "invalid-request").body("violations.field", hasItem("feedbackId"));
    }

    @Test
    void bothOrNeitherOfLikedAndScoreIsA400Problem() {
        String image = id("img");
        String token = token("alice", image);
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"liked\":true,\"score\":0.5"))), 400,
                "invalid-request").body("detail", containsString("not both"));
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ""))), 400, "invalid-request")
                .body("detail", containsString("one of liked"));
        expectProblem(writesNothing(() -> post(json(image, "alice", token, ",\"liked\":null,\"score\":null"))), 400,
                "invalid-request");
    }

    @Test
    void aTokenForAnotherUsersImageIsA403Problem() throws InterruptedException {
        ImageGenerated image = publishImage("alice");
        String alicesToken = token("alice", image.getImageId());
        expectProblem(writesNothing(() -> post(json(image.getImageId(), "bob", alicesToken, ",\"liked\":true"))), 403,
                "token-rejected");
        expectProblem(writesNothing(() -> post(json(image.getImageId(), "alice", "forged", ",\"liked\":true"))), 403,
                "token-rejected");
        // a token properly signed for bob, on an image the store knows is alice's
        String bobsToken = token("bob", image.getImageId());
        expectProblem(writesNothing(() -> post(json(image.getImageId(), "bob", bobsToken, ",\"liked\":true"))), 403,
                "token-rejected");
    }

    @Test
    void anUnknownImageWithABadTokenIsA404Problem() {
        String image = id("img");
        assertInstanceOf(ImageDirectory.Lookup.Unknown.class, directory.lookup(image));
        expectProblem(writesNothing(() -> post(json(image, "alice", token("alice", "other"), ",\"liked\":true"))), 404,
                "image-unknown");
    }

    @Test
    void anOversizeBodyIsA413Problem() {
        String padding = "x".repeat(20_000);
        expectProblem(writesNothing(() -> post(json(id("img"), "alice", padding, ",\"liked\":true"))), 413, "body-too-large")
                .body("detail", containsString("16384"));
    }

    @Test
    void anOversizeChunkedBodyIsA413ProblemToo() throws Exception {
        byte[] body = json(id("img"), "alice", "x".repeat(40_000), ",\"liked\":true").getBytes(StandardCharsets.UTF_8);
        Map<TopicPartition, Long> before = kafka.endOffsets(FEEDBACK);
        // HTTP/1.1: chunked transfer encoding is HTTP/1.1's (see BodyLimit for HTTP/2)
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", "application/json")
                        // no Content-Length: the body is sent chunked
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals(Optional.of(Problem.MEDIA_TYPE), response.headers().firstValue("Content-Type"));
        assertTrue(response.body().contains("urn:papa:problem:body-too-large"), response.body());
        assertEquals(before, kafka.endOffsets(FEEDBACK));
    }

    @Test
    void aChunkedBodyWithinTheLimitIsRead() throws Exception {
        String image = id("img");
        byte[] body = json(image, "alice", token("alice", image), ",\"liked\":true").getBytes(StandardCharsets.UTF_8);
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpResponse<String> response = HttpClient.newBuilder().version(version).build().send(HttpRequest.newBuilder(endpoint)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, response.statusCode(), version + ": " + response.body());
        }
    }

    @Test
    void otherHttpErrorsAreProblemsToo() {
        ValidatableResponse response = writesNothing(() -> given().contentType(ContentType.TEXT).body("liked")
                .when().post(PATH).then());
        expectProblem(response, 415, "about:blank");
        expectProblem(given().when().get(PATH).then(), 405, "about:blank");
    }

    @Test
    void metricsHealthAndOpenApiAreServed() {
        String image = id("img");
        post(json(image, "dave", token("dave", image), ",\"score\":0.5")).statusCode(202);
        post("{").statusCode(400);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("papa_feedback_accepted_total{kind=\"SCORE\""))
                .body(containsString("papa_feedback_rejected_total{reason=\"malformed-json\""))
                .body(containsString("papa_feedback_preferences_emitted_total"))
                .body(containsString("papa_feedback_deadlettered_total{reason=\"join-timeout\""))
                .body(containsString("papa_feedback_join_wait_seconds"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("papa-feedback join"));
        given().when().get("/q/health/live").then().statusCode(200);
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/api/v1/feedback'.post.responses.'202'", notNullValue())
                .body("info.title", startsWith("PAPA feedback"));
    }
}
