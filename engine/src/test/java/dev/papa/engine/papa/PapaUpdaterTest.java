package dev.papa.engine.papa;

import dev.papa.engine.TinyModels;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.model.LoraSpec;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PapaUpdaterTest {

    private static final double SATURATION_TEST_BETA = 200;

    private final NoiseSchedule schedule = NoiseSchedule.reference();
    private final Checkpoint base = TinyModels.randomBase(21);
    private final FeedbackExample digit = new FeedbackExample(stripe(), 1f);

    @Test
    void positiveFeedbackLowersThatImagesLossAndNegativeRaisesIt() {
        double before = errorAfter(List.of());
        double afterLike = errorAfter(Collections.nCopies(3, new FeedbackExample(digit.pixels(), 1f)));
        double afterDislike = errorAfter(Collections.nCopies(3, new FeedbackExample(digit.pixels(), -1f)));
        assertTrue(afterLike < before, "liked: " + before + " -> " + afterLike);
        assertTrue(afterDislike > before, "disliked: " + before + " -> " + afterDislike);
    }

    /** At version 0 the adapted model is the base (D = 0), where the saturated term's gradient is the paper's. */
    @Test
    void theSaturatedTermStartsAsThePapersTerm() {
        List<FeedbackExample> round = List.of(digit, new FeedbackExample(blank(), -1f), new FeedbackExample(blank(), -0.5f));
        PapaSettings paper = PapaSettings.loraDefaults().withSaturation(0).withLearningRate(5e-3);
        double unbounded = errorAfterRounds(paper, round, 1);
        double saturated = errorAfterRounds(paper.withSaturation(50), round, 1);
        assertEquals(unbounded, saturated, 1e-6 * unbounded);
    }

    /**
     * The paper's dislike term raises an image's error without limit; the saturated one stops
     * once the adapted model is about 1/β worse on it than the base.
     */
    @Test
    void saturationBoundsWhatRepeatedDislikesDo() {
        List<FeedbackExample> dislike = List.of(new FeedbackExample(digit.pixels(), -1f));
        PapaSettings paper = PapaSettings.loraDefaults().withSaturation(0).withLearningRate(5e-3);
        double before = errorAfterRounds(paper, List.of(), 0);
        double unbounded = errorAfterRounds(paper, dislike, 12) - before;
        double saturated = errorAfterRounds(paper.withSaturation(SATURATION_TEST_BETA), dislike, 12) - before;
        System.out.printf("error rise after 12 dislikes: unbounded %.5f, saturated %.5f (before %.5f)%n", unbounded, saturated, before);
        assertTrue(saturated > 0, "a dislike still raises the error: " + saturated);
        assertTrue(saturated < unbounded / 2, "saturated rise " + saturated + " vs unbounded " + unbounded);
    }

    /**
     * A round of dislikes still pulls towards what the user liked before. (On the paper's
     * unbounded term: this random model's errors are so large that the saturated term of a liked
     * image is already flat after one step.)
     */
    @Test
    void likedImagesAreReplayedInLaterRounds() {
        List<FeedbackExample> like = List.of(digit);
        List<FeedbackExample> dislike = List.of(new FeedbackExample(blank(), -1f));
        PapaSettings settings = PapaSettings.loraDefaults().withSaturation(0).withLearningRate(5e-3).withSampledTimesteps(8);
        double withReplay = errorAfterTwoRounds(settings, like, dislike);
        double freshOnly = errorAfterTwoRounds(settings.withReplayedLikes(0), like, dislike);
        assertTrue(withReplay < freshOnly, "liked image's error: replayed " + withReplay + ", fresh only " + freshOnly);
    }

    @Test
    void theLikedMemoryTravelsWithTheOptimizerState() {
        PapaSettings settings = PapaSettings.loraDefaults().withSampledTimesteps(4).withReplayedLikes(3);
        List<FeedbackExample> dislike = List.of(new FeedbackExample(blank(), -1f));
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater first = new PapaUpdater(model, schedule, settings);
             PapaUpdater second = new PapaUpdater(model, schedule, settings)) {
            assertEquals(4, first.update(List.of(digit), new SplittableRandom(1)).timestepEvaluations(), "nothing to replay yet");
            second.restoreOptimizerState(Checkpoint.fromBytes(first.optimizerState().toBytes()));
            PapaUpdater.Result replayed = second.update(dislike, new SplittableRandom(2));
            assertEquals(16, replayed.timestepEvaluations(), "the disliked image and 3 replayed likes");
            assertEquals(1, replayed.applied().length, "applied reports the fresh examples only");
            second.resetOptimizer();
            assertEquals(4, second.update(dislike, new SplittableRandom(3)).timestepEvaluations(), "reset forgets");
        }
    }

    @Test
    void everyStepOfARoundIsOverAllItsExamples() {
        PapaSettings twoSteps = PapaSettings.loraDefaults().withSampledTimesteps(4).withStepsPerRound(2);
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater updater = new PapaUpdater(model, schedule, twoSteps)) {
            List<FeedbackExample> round = List.of(digit, new FeedbackExample(digit.pixels(), -1f), digit);
            PapaUpdater.Result result = updater.update(round, new SplittableRandom(2));
            assertEquals(3, result.appliedCount());
            assertEquals(24, result.timestepEvaluations(), "2 steps of 4 timesteps for each of the 3 examples");
            assertEquals("2", updater.optimizerState().properties().get("adam.steps"));
            updater.update(round, new SplittableRandom(3));
            assertEquals("4", updater.optimizerState().properties().get("adam.steps"));
        }
    }

    @Test
    void aRoundLeaningToDislikesTakesOneStep() {
        PapaSettings twoSteps = PapaSettings.loraDefaults().withSampledTimesteps(4).withStepsPerRound(2);
        FeedbackExample disliked = new FeedbackExample(digit.pixels(), -1f);
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater updater = new PapaUpdater(model, schedule, twoSteps)) {
            PapaUpdater.Result result = updater.update(List.of(disliked, digit, disliked), new SplittableRandom(2));
            assertEquals(12, result.timestepEvaluations(), "1 step of 4 timesteps for each of the 3 examples");
            assertEquals("1", updater.optimizerState().properties().get("adam.steps"));
        }
    }

    @Test
    void moreStepsPerRoundMoveFurtherOnTheSameLabels() {
        PapaSettings settings = PapaSettings.loraDefaults().withSaturation(0).withLearningRate(5e-3);
        double before = errorAfterRounds(settings, List.of(), 0);
        double oneStep = errorAfterRounds(settings.withStepsPerRound(1), List.of(digit), 1);
        double threeSteps = errorAfterRounds(settings.withStepsPerRound(3), List.of(digit), 1);
        assertTrue(threeSteps < oneStep && oneStep < before, "liked image's error: " + before + " -> " + oneStep
                + " (1 step), " + threeSteps + " (3 steps)");
    }

    /**
     * Every step of a run of likes and dislikes is applied. It fails where oneDNN's AVX kernels
     * return NaN gradients (README, "Numerical faults"): the build sets ONEDNN_MAX_CPU_ISA=SSE41.
     */
    @Test
    void aRunOfUpdatesHasNoNonFiniteStep() {
        SplittableRandom random = new SplittableRandom(5);
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater updater = new PapaUpdater(model, schedule, PapaSettings.loraDefaults().withSampledTimesteps(4))) {
            int rejected = 0;
            for (int i = 0; i < 60; i++) {
                byte[] pixels = new byte[digit.pixels().length];
                random.nextBytes(pixels);
                rejected += updater.update(List.of(new FeedbackExample(pixels, i % 3 == 0 ? -1f : 1f)), random)
                        .rejectedCount();
            }
            assertEquals(0, rejected, "steps rejected as non-finite (ONEDNN_MAX_CPU_ISA="
                    + System.getenv("ONEDNN_MAX_CPU_ISA") + ")");
        }
    }

    @Test
    void epapaTrainsOnTimestepsFromKOnlyAndCostsProportionally() {
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater papa = new PapaUpdater(model, schedule, PapaSettings.loraDefaults());
             PapaUpdater epapa = new PapaUpdater(model, schedule, PapaSettings.loraDefaults().withEpapaK(400))) {
            assertEquals(32, papa.timestepsPerImage());
            assertEquals(19, epapa.timestepsPerImage());
            PapaUpdater.Result result = epapa.update(List.of(digit), new SplittableRandom(1));
            assertEquals(19, result.timestepEvaluations());
            assertEquals(1, result.appliedCount());
        }
        TimestepPlan plan = TimestepPlan.stratified(schedule, 400, 19, new SplittableRandom(3));
        for (int t : plan.timesteps()) {
            assertTrue(t >= 400 && t < 1000);
        }
        assertEquals(600, TimestepPlan.exact(schedule, 400).size());
    }

    @Test
    void stratifiedEstimateIsUnbiasedForTheExactSum() {
        TimestepPlan exact = TimestepPlan.exact(schedule, 0);
        double exactSum = 0;
        for (int i = 0; i < exact.size(); i++) {
            exactSum += exact.preferenceWeights()[i] * f(exact.timesteps()[i]);
        }
        SplittableRandom random = new SplittableRandom(9);
        double mean = 0;
        int draws = 4000;
        for (int d = 0; d < draws; d++) {
            TimestepPlan plan = TimestepPlan.stratified(schedule, 0, 16, random);
            double estimate = 0;
            for (int i = 0; i < plan.size(); i++) {
                estimate += plan.preferenceWeights()[i] * f(plan.timesteps()[i]);
            }
            mean += estimate / draws;
        }
        assertEquals(exactSum, mean, 0.02 * exactSum);
        double anchorWeightSum = 0;
        for (double w : TimestepPlan.stratified(schedule, 0, 16, random).anchorWeights()) {
            anchorWeightSum += w;
        }
        assertEquals(1.0, anchorWeightSum, 1e-12);
    }

    @Test
    void exactSumEvaluatesEveryTimestepInRange() {
        PapaSettings exact = PapaSettings.loraDefaults().withEstimator(Estimator.EXACT).withEpapaK(900);
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater updater = new PapaUpdater(model, schedule, exact)) {
            PapaUpdater.Result result = updater.update(List.of(digit), new SplittableRandom(1));
            assertEquals(100, result.timestepEvaluations());
            assertEquals(1, result.appliedCount());
            assertTrue(Double.isFinite(result.loss()));
        }
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FeedbackExample(stripe(), 1.5f));
        assertThrows(IllegalArgumentException.class, () -> new FeedbackExample(stripe(), Float.NaN));
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f))) {
            assertThrows(IllegalArgumentException.class,
                    () -> new PapaUpdater(model, schedule, PapaSettings.loraDefaults().withEpapaK(1000)));
        }
    }

    private double errorAfter(List<FeedbackExample> feedback) {
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater updater = new PapaUpdater(model, schedule, PapaSettings.loraDefaults().withLearningRate(5e-3))) {
            updater.update(feedback, new SplittableRandom(5));
            return updater.denoisingError(digit, TimestepPlan.stratified(schedule, 0, 64, new SplittableRandom(6)),
                    new SplittableRandom(7));
        }
    }

    private double errorAfterRounds(PapaSettings settings, List<FeedbackExample> round, int rounds) {
        SplittableRandom random = new SplittableRandom(5);
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater updater = new PapaUpdater(model, schedule, settings.withSampledTimesteps(8))) {
            for (int r = 0; r < rounds; r++) {
                updater.update(round, random.split());
            }
            return updater.denoisingError(digit, TimestepPlan.stratified(schedule, 0, 64, new SplittableRandom(6)),
                    new SplittableRandom(7));
        }
    }

    private double errorAfterTwoRounds(PapaSettings settings, List<FeedbackExample> first, List<FeedbackExample> second) {
        try (PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PapaUpdater updater = new PapaUpdater(model, schedule, settings)) {
            updater.update(first, new SplittableRandom(5));
            updater.update(second, new SplittableRandom(6));
            return updater.denoisingError(digit, TimestepPlan.stratified(schedule, 0, 64, new SplittableRandom(6)),
                    new SplittableRandom(7));
        }
    }

    private static byte[] blank() {
        return new byte[28 * 28];
    }

    private static double f(int t) {
        return 1 + Math.sin(t / 50.0);
    }

    /** A bright vertical bar on black: a "1". */
    private static byte[] stripe() {
        byte[] pixels = new byte[28 * 28];
        for (int y = 4; y < 24; y++) {
            for (int x = 12; x < 16; x++) {
                pixels[y * 28 + x] = (byte) 255;
            }
        }
        return pixels;
    }
}
