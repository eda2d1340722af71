package dev.papa.sampler;

import ai.djl.ndarray.NDManager;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.diffusion.DdimSampler;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.image.PngImages;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.papa.AdapterKind;
import dev.papa.engine.papa.PersonalizedModel;
import dev.papa.kafka.local.KafkaBrokerTestResource;
import dev.papa.sampler.api.GenerateRequest;
import dev.papa.schemas.ImageGenerated;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With room for one resident adapter, two users' adapters are both served correctly. */
@QuarkusTest
@TestProfile(ResidentAdaptersTest.OneResident.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TinyBaseModelResource.class)
class ResidentAdaptersTest {

    public static class OneResident implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("papa.sampler.resident-adapters", "1");
        }
    }

    private static final long SEED = 5;

    @Test
    void anEvictedAdapterIsReadAgainFromTheTopic() {
        Checkpoint base = TestKafka.base();
        Checkpoint a;
        Checkpoint b;
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f))) {
            a = TestKafka.shifted(model.exportAdapter(), 0.05f);
            b = TestKafka.shifted(model.exportAdapter(), -0.07f);
        }
        TestKafka.publishAdapter(TestKafka.adapterRecord("lru-a", 1, base.id(), a.toBytes()));
        TestKafka.publishAdapter(TestKafka.adapterRecord("lru-b", 1, base.id(), b.toBytes()));
        Api.await("both adapters are served", () -> Api.adapterVersion("lru-a") == 1 && Api.adapterVersion("lru-b") == 1);
        double rereads = Api.metric("papa_adapter_reload_seconds_count", "source=\"reread\"");

        // Alternate users: with one resident adapter, every switch re-reads the other from Kafka.
        byte[][] a1 = pixels(Api.generate("lru-a", request()));
        byte[][] b1 = pixels(Api.generate("lru-b", request()));
        byte[][] a2 = pixels(Api.generate("lru-a", request()));
        assertTrue(Api.metric("papa_adapter_reload_seconds_count", "source=\"reread\"") >= rereads + 2,
                "the evicted adapters were not read again from the topic");

        byte[][] expectedA = expected(base, a);
        byte[][] expectedB = expected(base, b);
        for (int i = 0; i < expectedA.length; i++) {
            assertArrayEquals(expectedA[i], a1[i]);
            assertArrayEquals(expectedA[i], a2[i]);
            assertArrayEquals(expectedB[i], b1[i]);
            assertFalse(Arrays.equals(a1[i], b1[i]));
        }
    }

    private static String request() {
        return "{\"count\": 2, \"steps\": 2, \"seed\": " + SEED + "}";
    }

    /** The images' pixels as published on papa.images, in the answer's order. */
    private static byte[][] pixels(JsonPath generated) {
        assertEquals(1, generated.getLong("adapterVersion"));
        List<String> ids = generated.getList("images.id", String.class);
        List<ImageGenerated> published = TestKafka.images();
        return ids.stream()
                .map(id -> published.stream().filter(i -> i.getImageId().equals(id)).findFirst().orElseThrow())
                .map(i -> bytes(i.getPixels()))
                .toArray(byte[][]::new);
    }

    /** What the adapter must produce: the same sampling, run here on a model of our own. */
    private static byte[][] expected(Checkpoint base, Checkpoint adapter) {
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             NDManager manager = NDManager.newBaseManager()) {
            model.loadAdapter(adapter);
            return PngImages.toPixels(new DdimSampler(NoiseSchedule.reference(), 2, GenerateRequest.DEFAULT_ETA)
                    .sample(model, model.imageShape(), 2, 0, new SplittableRandom(SEED), manager));
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
