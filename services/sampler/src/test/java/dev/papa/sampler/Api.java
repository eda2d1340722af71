package dev.papa.sampler;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;

/** Calls of the sampler's API shared by the tests. */
final class Api {

    private Api() {
    }

    /** POST a generation request; asserts 201 and returns the answer. */
    static JsonPath generate(String userId, String body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/users/{userId}/images", userId)
                .then().statusCode(201).contentType(ContentType.JSON)
                .extract().jsonPath();
    }

    /** The PNG bytes of every image of a generation answer, in order. */
    static List<byte[]> pngs(JsonPath generated) {
        return generated.getList("images.url", String.class).stream()
                .map(url -> given().when().get(url).then().statusCode(200).contentType("image/png")
                        .extract().asByteArray())
                .toList();
    }

    static long adapterVersion(String userId) {
        return given().when().get("/api/v1/users/{userId}/adapter", userId)
                .then().statusCode(200).extract().jsonPath().getLong("version");
    }

    /** Value of one Prometheus sample, e.g. {@code papa_adapters_rejected_total} with {@code reason="corrupt"}; 0 if absent. */
    static double metric(String name, String label) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\}\\s+(\\S+)$").matcher(text);
        while (m.find()) {
            if (label == null || m.group(1).contains(label)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
