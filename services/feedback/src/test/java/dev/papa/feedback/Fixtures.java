package dev.papa.feedback;

import java.nio.ByteBuffer;
import java.time.Instant;

import dev.papa.schemas.FeedbackGiven;
import dev.papa.schemas.FeedbackKind;
import dev.papa.schemas.ImageGenerated;
import dev.papa.schemas.SamplerKind;
import dev.papa.schemas.SamplerSettings;

/** Test records. */
public final class Fixtures {

    public static final int SIDE = 28;

    private Fixtures() {
    }

    /** A 28×28 image whose pixels are a pattern of {@code seed}. */
    public static ImageGenerated image(String imageId, String userId, Instant createdAt, long adapterVersion) {
        byte[] pixels = new byte[SIDE * SIDE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7 + imageId.hashCode());
        }
        return ImageGenerated.newBuilder()
                .setImageId(imageId)
                .setUserId(userId)
                .setCreatedAt(createdAt)
                .setWidth(SIDE)
                .setHeight(SIDE)
                .setPixels(ByteBuffer.wrap(pixels))
                .setSeed(42)
                .setSampler(SamplerSettings.newBuilder().setKind(SamplerKind.DDIM).setSteps(50).setEta(0f).build())
                .setAdapterVersion(adapterVersion)
                .build();
    }

    public static FeedbackGiven feedback(String feedbackId, String imageId, String userId, float value, FeedbackKind kind,
            Instant givenAt) {
        return FeedbackGiven.newBuilder()
                .setFeedbackId(feedbackId)
                .setImageId(imageId)
                .setUserId(userId)
                .setValue(value)
                .setKind(kind)
                .setGivenAt(givenAt)
                .build();
    }

    public static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
