package dev.papa.feedback.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import dev.papa.kafka.local.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The sampler's web page posts ratings from another origin: CORS lets exactly its origins in. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
class CorsTest {

    private static final String PAGE = "http://localhost:8081";

    @Test
    void thePagesOriginMayPostJson() {
        given().header("Origin", PAGE)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .when().options(FeedbackResource.PATH)
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(PAGE))
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Content-Type"));
        given().header("Origin", "http://127.0.0.1:8081")
                .header("Access-Control-Request-Method", "POST")
                .when().options(FeedbackResource.PATH)
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo("http://127.0.0.1:8081"));
    }

    @Test
    void thePageCanReadAProblemAnswer() {
        given().header("Origin", PAGE).contentType(ContentType.JSON).body("{not json")
                .when().post(FeedbackResource.PATH)
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .header("Access-Control-Allow-Origin", equalTo(PAGE))
                .body("status", equalTo(400));
    }

    @Test
    void otherOriginsAreNotAllowed() {
        given().header("Origin", "http://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .when().options(FeedbackResource.PATH)
                .then().header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "http://evil.example").contentType(ContentType.JSON).body("{}")
                .when().post(FeedbackResource.PATH)
                .then().header("Access-Control-Allow-Origin", nullValue());
    }
}
