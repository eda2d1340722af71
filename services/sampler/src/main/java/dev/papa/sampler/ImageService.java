package dev.papa.sampler;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.sampler.api.GenerateRequest;
import dev.papa.sampler.api.GeneratedImages;
import dev.papa.schemas.FeedbackTokens;
import dev.papa.schemas.ImageGenerated;
import dev.papa.schemas.SamplerKind;
import dev.papa.schemas.SamplerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** One generation request: sample with the user's adapter, publish, keep the PNGs, sign tokens. */
@ApplicationScoped
public class ImageService {

    @ConfigProperty(name = "papa.token.secret")
    String tokenSecret;

    @Inject
    AdapterRegistry adapters;
    @Inject
    GenerationEngine engine;
    @Inject
    ImagePublisher publisher;
    @Inject
    ImageStore store;
    @Inject
    MeterRegistry registry;

    private FeedbackTokens tokens;

    @PostConstruct
    void init() {
        tokens = new FeedbackTokens(tokenSecret);
    }

    /**
     * Generates with the user's current adapter version and answers only after Kafka has every
     * ImageGenerated record, so feedback on any returned image can be joined with its record.
     */
    public GeneratedImages generate(String userId, GenerateRequest request) {
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong();
        String samplerName = request.samplerOrDefault();
        GenerationEngine.Settings settings = new GenerationEngine.Settings(samplerName, request.stepsOrDefault(),
                request.etaOrDefault(), seed);
        // Resolved before taking the model lock: a re-read from Kafka never blocks other users.
        ServedAdapter adapter = adapters.current(userId);
        Checkpoint weights = adapters.weights(adapter);
        GenerationEngine.Batch batch = engine.generate(adapter, weights, request.countOrDefault(), settings);

        Instant now = Instant.now();
        boolean ddim = "ddim".equals(samplerName);
        SamplerSettings samplerSettings = SamplerSettings.newBuilder()
                .setKind(ddim ? SamplerKind.DDIM : SamplerKind.DDPM)
                .setSteps(batch.stepsTaken())
                .setEta(ddim ? (float) settings.eta() : 0f)
                .build();
        List<ImageGenerated> records = new ArrayList<>();
        for (byte[] pixels : batch.pixels()) {
            records.add(ImageGenerated.newBuilder()
                    .setImageId(UUID.randomUUID().toString())
                    .setUserId(userId)
                    .setCreatedAt(now)
                    .setWidth(batch.width())
                    .setHeight(batch.height())
                    .setPixels(ByteBuffer.wrap(pixels))
                    .setSeed(seed)
                    .setSampler(samplerSettings)
                    .setAdapterVersion(adapter.version())
                    .build());
        }
        publisher.publish(records);

        List<GeneratedImages.Image> images = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String id = records.get(i).getImageId();
            store.put(new ImageStore.StoredImage(id, userId, adapter.version(), batch.width(), batch.height(),
                    batch.pixels()[i]));
            images.add(new GeneratedImages.Image(id, "/api/v1/images/" + id, adapter.version(), tokens.sign(userId, id), seed));
        }
        Counter.builder("papa.images.generated")
                .description("Images generated and published")
                .tag("sampler", samplerName)
                .register(registry)
                .increment(images.size());
        return new GeneratedImages(userId, adapter.version(), images);
    }
}
