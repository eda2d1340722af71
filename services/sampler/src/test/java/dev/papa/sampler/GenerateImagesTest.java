package dev.papa.sampler;

import dev.papa.kafka.local.KafkaBrokerTestResource;
import dev.papa.schemas.FeedbackTokens;
import dev.papa.schemas.ImageGenerated;
import dev.papa.schemas.SamplerKind;
import io.quarkus.test.common.QuarkusTestResource;
import io.restassured.RestAssured;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TinyBaseModelResource.class)
class GenerateImagesTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void generatesPublishesAndServesImagesWithVerifiableTokens() {
        JsonPath answer = Api.generate("alice", "{\"count\": 3, \"steps\": 2, \"seed\": 7}");
        assertEquals("alice", answer.getString("userId"));
        assertEquals(0, answer.getLong("adapterVersion"));
        List<String> ids = answer.getList("images.id", String.class);
        assertEquals(3, ids.size());
        assertEquals(3, ids.stream().distinct().count());

        FeedbackTokens tokens = new FeedbackTokens(ConfigProvider.getConfig().getValue("papa.token.secret", String.class));
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            assertEquals(id, UUID.fromString(id).toString());
            assertEquals("/api/v1/images/" + id, answer.getString("images[" + i + "].url"));
            assertEquals(0, answer.getLong("images[" + i + "].adapterVersion"));
            assertEquals(7, answer.getLong("images[" + i + "].seed"));
            String token = answer.getString("images[" + i + "].token");
            assertTrue(tokens.verify(token, "alice", id));
            assertFalse(tokens.verify(token, "bob", id));
        }
        for (byte[] png : Api.pngs(answer)) {
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 4));
        }

        Map<String, ImageGenerated> published = TestKafka.images().stream()
                .filter(r -> ids.contains(r.getImageId()))
                .collect(Collectors.toMap(ImageGenerated::getImageId, Function.identity()));
        assertEquals(3, published.size());
        TestKafka.readAll("papa.images").stream()
                .filter(r -> ids.contains(new String(r.key())))
                .forEach(r -> assertEquals(new String(r.key()),
                        TestKafka.decodeImage(r.value()).getImageId()));
        for (ImageGenerated image : published.values()) {
            assertEquals("alice", image.getUserId());
            assertEquals(0, image.getAdapterVersion());
            assertEquals(28, image.getWidth());
            assertEquals(28, image.getHeight());
            assertEquals(784, image.getPixels().remaining());
            assertEquals(7, image.getSeed());
            assertEquals(SamplerKind.DDIM, image.getSampler().getKind());
            assertEquals(2, image.getSampler().getSteps());
        }
    }

    @Test
    void theSameSeedReproducesTheImagesAndDefaultsApply() {
        JsonPath first = Api.generate("carol", "{\"count\": 2, \"steps\": 3, \"seed\": 99}");
        JsonPath second = Api.generate("carol", "{\"count\": 2, \"steps\": 3, \"seed\": 99}");
        List<byte[]> a = Api.pngs(first);
        List<byte[]> b = Api.pngs(second);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i));
        }
        // count defaults to 4.
        assertEquals(4, Api.generate("carol", "{\"steps\": 2}").getList("images").size());
    }

    @Test
    void aNewUserIsServedVersionZero() {
        given().when().get("/api/v1/users/{u}/adapter", "new-user_1.x")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("userId", equalTo("new-user_1.x"))
                .body("version", equalTo(0))
                .body("publishedAt", nullValue())
                .body("baseModel", equalTo(TestKafka.base().id()))
                .body("feedbackCount", equalTo(0));
    }

    @Test
    void badRequestsAnswerProblemJsonAndWriteNothing() {
        long before = TestKafka.endOffsetSum("papa.images");
        String user = "/api/v1/users/{u}/images";
        rejected(user, "dave", "{\"count\": 17}", 400, "count");
        rejected(user, "dave", "{\"count\": 0}", 400, "count");
        rejected(user, "dave", "{\"sampler\": \"euler\"}", 400, "sampler");
        rejected(user, "dave", "{\"steps\": 0}", 400, "steps");
        rejected(user, "dave", "{\"steps\": 1001}", 400, "steps");
        rejected(user, "dave", "{\"eta\": 1.5}", 400, "eta");
        rejected(user, "dave", "{\"count\": \"four\"}", 400, "count");
        rejected(user, "dave", "{\"count\": 2.5}", 400, "count");
        rejected(user, "dave", "{\"cuont\": 2}", 400, "cuont");
        rejected(user, "dave", "{\"count\": 2", 400, "JSON");
        rejected(user, "dave", "not json at all", 400, "JSON");
        rejected(user, "dave", "[1, 2]", 400, "");
        rejected(user, "bad user!", "{}", 400, "userId");
        rejected(user, "x".repeat(65), "{}", 400, "userId");
        String big = "{\"count\": 1, \"pad\": \"" + "x".repeat(20_000) + "\"}";
        rejected(user, "dave", big, 413, "bytes");
        chunkedOversizeBodyIsRejected();
        given().contentType(ContentType.TEXT).body("{}").when().post(user, "dave")
                .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
        assertEquals(before, TestKafka.endOffsetSum("papa.images"), "a rejected request wrote to papa.images");
    }

    @Test
    void unknownImagesAndRoutesAnswerProblemJson() {
        given().when().get("/api/v1/images/{id}", UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404)).body("title", notNullValue()).body("type", notNullValue())
                .body("detail", containsString("no image"));
        given().when().get("/api/v1/nothing-here")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        given().when().delete("/api/v1/users/{u}/adapter", "dave")
                .then().statusCode(405).contentType("application/problem+json").body("status", equalTo(405));
        given().when().get("/api/v1/users/{u}/adapter", "no spaces")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("userId"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        Api.generate("erin", "{\"count\": 1, \"steps\": 1, \"seed\": 1}");
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("papa_images_generated_total", "papa_generation_duration_seconds_count",
                "papa_adapters_loaded_total", "papa_adapters_rejected_total", "papa_adapters_resident",
                "papa_adapters_consumer_lag", "papa_adapter_reload_seconds_count")) {
            assertTrue(metrics.contains(name), name + " missing from /q/metrics");
        }
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/users/{userId}/images"));
    }

    /** A body sent in chunks (no Content-Length) is cut off at the limit too. */
    private static void chunkedOversizeBodyIsRejected() {
        byte[] big = ("{\"count\": 1, \"pad\": \"" + "x".repeat(17_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                        + "/api/v1/users/dave/images"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, response.statusCode(), response.body());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        } catch (java.io.IOException e) {
            // The server may close the connection while the client still sends: also a refusal.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void rejected(String path, String userId, String body, int status, String detailPart) {
        given().contentType(ContentType.JSON).body(body)
                .when().post(path, userId)
                .then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", notNullValue())
                .body("title", notNullValue())
                .body("detail", containsString(detailPart));
    }
}
