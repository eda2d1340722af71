package dev.papa.engine.papa;

import ai.djl.ndarray.NDArray;
import dev.papa.engine.TinyModels;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.diffusion.DdimSampler;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.model.LoraSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small alignment run on a tiny model. The simulated user here likes bright images (mean
 * pixel above the median of the base model's samples) — PAPA needs no classifier, so any
 * preference on images shows whether the loop moves the model the user's way. A random tiny
 * model is no diffusion model, so gradient ascent on disliked images (binary feedback) moves
 * it in no meaningful direction; this test uses positive-only feedback (1 liked, 0 otherwise),
 * and the paper's unbounded term: the saturation scale β = 25 is set for the MNIST model's
 * errors, and on this random model it stops the push after a few rounds.
 */
class OnlineAlignmentTest {

    @Test
    void feedbackMovesThePreferenceRatioTheUsersWay() {
        NoiseSchedule schedule = NoiseSchedule.reference();
        Checkpoint base = TinyModels.randomBase(31);
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater updater = new PapaUpdater(model, schedule, PapaSettings.loraDefaults().withSaturation(0))) {
            OnlineAlignment alignment = new OnlineAlignment(model, updater, new DdimSampler(schedule, 5, 0),
                    new OnlineAlignment.Settings(6, 10, 100, 100, 3));
            double threshold = medianBrightness(alignment);
            OnlineAlignment.User likesBright = images -> {
                float[] brightness = brightness(images);
                float[] values = new float[brightness.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = brightness[i] > threshold ? 1f : 0f; // positive-only feedback
                }
                return values;
            };
            OnlineAlignment.Evaluation shareBright = images -> {
                float[] brightness = brightness(images);
                long bright = 0;
                for (float b : brightness) {
                    bright += b > threshold ? 1 : 0;
                }
                return new OnlineAlignment.Scores((double) bright / brightness.length, Double.NaN, Double.NaN);
            };
            List<OnlineAlignment.Round> rounds = alignment.run(likesBright, shareBright, r -> { });
            assertEquals(7, rounds.size());
            assertEquals(60, rounds.get(6).labelsUsed());
            double before = rounds.get(0).scores().preferenceRatio();
            double after = rounds.get(6).scores().preferenceRatio();
            assertTrue(after > before + 0.1, "share of liked images went " + before + " -> " + after);
        }
    }

    private static double medianBrightness(OnlineAlignment alignment) {
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            float[] b = brightness(alignment.generate(100, new java.util.SplittableRandom(99), manager));
            List<Float> sorted = new ArrayList<>();
            for (float v : b) {
                sorted.add(v);
            }
            sorted.sort(Float::compare);
            return sorted.get(sorted.size() / 2);
        }
    }

    private static float[] brightness(NDArray images) {
        return images.reshape(images.getShape().get(0), -1).mean(new int[] {1}).toFloatArray();
    }
}
