package dev.papa.sampler;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.papa.AdapterKind;
import dev.papa.engine.papa.PersonalizedModel;
import dev.papa.kafka.local.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TinyBaseModelResource.class)
class HotReloadTest {

    private static final String REQUEST = "{\"count\": 2, \"steps\": 2, \"seed\": 11}";

    @Test
    void aPublishedAdapterIsServedAndBadOnesAreRejected() {
        String user = "hot-reload-1";
        Checkpoint base = TestKafka.base();
        JsonPath v0 = Api.generate(user, REQUEST);
        assertEquals(0, v0.getLong("adapterVersion"));
        List<byte[]> baseImages = Api.pngs(v0);

        byte[] good;
        byte[] otherBase;
        String otherBaseId;
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PersonalizedModel other = PersonalizedModel.create(TinyBaseModelResource.randomBase(2), AdapterKind.LORA,
                     new LoraSpec(4, 4f))) {
            good = TestKafka.shifted(model.exportAdapter(), 0.05f).toBytes();
            otherBase = TestKafka.shifted(other.exportAdapter(), 0.05f).toBytes();
            otherBaseId = other.baseModelId();
        }

        // A good adapter: served from the next request on, and it changes the images.
        TestKafka.publishAdapter(TestKafka.adapterRecord(user, 1, base.id(), good));
        Api.await("version 1 is served", () -> Api.adapterVersion(user) == 1);
        given().when().get("/api/v1/users/{u}/adapter", user).then().statusCode(200)
                .body("version", equalTo(1)).body("feedbackCount", equalTo(10))
                .body("baseModel", equalTo(base.id())).body("publishedAt", notNullValue());
        JsonPath v1 = Api.generate(user, REQUEST);
        assertEquals(1, v1.getLong("adapterVersion"));
        assertEquals(List.of(1L, 1L), v1.getList("images.adapterVersion", Long.class));
        List<byte[]> adaptedImages = Api.pngs(v1);
        for (int i = 0; i < adaptedImages.size(); i++) {
            assertFalse(Arrays.equals(baseImages.get(i), adaptedImages.get(i)), "image " + i + " did not change");
        }
        List<String> ids = v1.getList("images.id", String.class);
        assertEquals(2, TestKafka.images().stream()
                .filter(i -> ids.contains(i.getImageId()) && i.getAdapterVersion() == 1 && user.equals(i.getUserId()))
                .count());

        // A corrupted adapter (one flipped byte: checksum) and one of another base model.
        double corrupt = Api.metric("papa_adapters_rejected_total", "reason=\"corrupt\"");
        double otherModel = Api.metric("papa_adapters_rejected_total", "reason=\"base-model\"");
        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x40;
        TestKafka.publishAdapter(TestKafka.adapterRecord(user, 2, base.id(), flipped));
        TestKafka.publishAdapter(TestKafka.adapterRecord(user, 3, otherBaseId, otherBase));
        // Claiming this base model does not help an adapter trained on another one.
        TestKafka.publishAdapter(TestKafka.adapterRecord(user, 4, base.id(), otherBase));
        Api.await("the corrupt adapter is rejected",
                () -> Api.metric("papa_adapters_rejected_total", "reason=\"corrupt\"") >= corrupt + 1);
        Api.await("both other-base adapters are rejected",
                () -> Api.metric("papa_adapters_rejected_total", "reason=\"base-model\"") >= otherModel + 2);
        assertEquals(1, Api.adapterVersion(user));
        JsonPath still = Api.generate(user, REQUEST);
        assertEquals(1, still.getLong("adapterVersion"));
        List<byte[]> stillImages = Api.pngs(still);
        for (int i = 0; i < adaptedImages.size(); i++) {
            assertArrayEquals(adaptedImages.get(i), stillImages.get(i));
        }

        // An older version arriving late changes nothing; a newer good one is taken.
        TestKafka.publishAdapter(TestKafka.adapterRecord(user, 1, base.id(), good));
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f))) {
            TestKafka.publishAdapter(TestKafka.adapterRecord(user, 5, base.id(),
                    TestKafka.shifted(model.exportAdapter(), -0.05f).toBytes()));
        }
        Api.await("version 5 is served", () -> Api.adapterVersion(user) == 5);
    }

    @Test
    void anUndecodableRecordIsRejectedAndDeadLettered() {
        String user = "hot-reload-dlq";
        double before = Api.metric("papa_adapters_rejected_total", "reason=\"undecodable\"");
        TestKafka.send("papa.adapters", user, "certainly not avro".getBytes(StandardCharsets.UTF_8));
        Api.await("the record is rejected",
                () -> Api.metric("papa_adapters_rejected_total", "reason=\"undecodable\"") >= before + 1);
        Api.await("the record is dead-lettered", () -> TestKafka.readAll("papa.deadletter").stream()
                .anyMatch(r -> user.equals(new String(r.key(), StandardCharsets.UTF_8))));
        ConsumerRecord<byte[], byte[]> dead = TestKafka.readAll("papa.deadletter").stream()
                .filter(r -> user.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .findFirst().orElseThrow();
        assertArrayEquals("certainly not avro".getBytes(StandardCharsets.UTF_8), dead.value());
        assertEquals("papa.adapters", header(dead, "papa.dlq.source-topic"));
        assertEquals("papa-sampler", header(dead, "papa.dlq.service"));
        assertNotNull(header(dead, "papa.dlq.reason"));
        assertTrue(header(dead, "papa.dlq.reason").contains("AdapterPublished"));
        assertEquals(0, Api.adapterVersion(user));
        // The user is still served (the base model).
        assertEquals(0, Api.generate(user, "{\"count\": 1, \"steps\": 1}").getLong("adapterVersion"));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
