package dev.papa.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** Fully populated example records for the tests. */
final class Samples {

    static final Instant T0 = Instant.ofEpochMilli(1_760_000_000_123L);

    private Samples() {
    }

    static ByteBuffer greyPixels(int width, int height) {
        byte[] pixels = new byte[width * height];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        return ByteBuffer.wrap(pixels);
    }

    static ImageGenerated image() {
        return ImageGenerated.newBuilder()
                .setImageId("img-1")
                .setUserId("alice")
                .setCreatedAt(T0)
                .setWidth(28)
                .setHeight(28)
                .setPixels(greyPixels(28, 28))
                .setSeed(-42L)
                .setSampler(SamplerSettings.newBuilder().setKind(SamplerKind.DDIM).setSteps(50).setEta(0.5f).build())
                .setAdapterVersion(3L)
                .build();
    }

    static FeedbackGiven feedback() {
        return FeedbackGiven.newBuilder()
                .setFeedbackId("fb-1")
                .setImageId("img-1")
                .setUserId("alice")
                .setValue(-1f)
                .setKind(FeedbackKind.DISLIKE)
                .setGivenAt(T0.plusMillis(1500))
                .build();
    }

    static PreferenceExample preference() {
        return PreferenceExample.newBuilder()
                .setFeedbackId("fb-2")
                .setUserId("alice")
                .setImageId("img-2")
                .setValue(0.25f)
                .setKind(FeedbackKind.SCORE)
                .setWidth(4)
                .setHeight(3)
                .setPixels(greyPixels(4, 3))
                .setAdapterVersion(0L)
                .setGivenAt(T0)
                .build();
    }

    static AdapterPublished adapter(ByteBuffer optimizerState) {
        return AdapterPublished.newBuilder()
                .setUserId("alice")
                .setVersion(7L)
                .setPublishedAt(T0)
                .setBaseModel("sha256:0123abcd")
                .setAdapter(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}))
                .setOptimizerState(optimizerState)
                .setTraining(TrainingSettings.newBuilder()
                        .setAlgorithm(Algorithm.EPAPA)
                        .setEpapaK(400)
                        .setEstimator(Estimator.SAMPLED)
                        .setTimestepsPerImage(16)
                        .setLearningRate(1e-5f)
                        .setCPref(0.1f)
                        .setCModel(0.009f)
                        .build())
                .setFeedbackCount(70L)
                .setAppliedFeedbackIds(List.of("fb-1", "fb-2", "fb-3"))
                .setInputOffsets(List.of(
                        PartitionOffset.newBuilder().setTopic("papa.preferences").setPartition(0).setOffset(71L).build(),
                        PartitionOffset.newBuilder().setTopic("papa.preferences").setPartition(3).setOffset(0L).build()))
                .setMetrics(UpdateMetrics.newBuilder()
                        .setLoss(0.5f)
                        .setPreferenceLoss(0.3f)
                        .setModelLoss(0.2f)
                        .setUpdateMillis(1234L)
                        .setLikedShare(0.4f)
                        .build())
                .build();
    }
}
