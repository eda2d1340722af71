package dev.papa.engine.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.papa.engine.diffusion.Sampler;
import dev.papa.engine.image.PngImages;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The paper's online loop for one user, with no Kafka: each round, sample n images from the
 * current model, ask the user for one value per image, apply the PAPA update, then evaluate
 * the model on fresh samples. Round 0 reports the base model before any feedback.
 */
public final class OnlineAlignment {

    /** Reactions to a batch of images, one value in [−1, 1] per image. */
    @FunctionalInterface
    public interface User {
        float[] feedback(NDArray images);
    }

    /** Scores a batch of fresh samples. */
    @FunctionalInterface
    public interface Evaluation {
        Scores score(NDArray images);
    }

    /** What an evaluation measures; Fréchet distance is NaN where not computed. */
    public record Scores(double preferenceRatio, double coverage, double frechetDistance) {}

    /** One round's line of the report. */
    public record Round(int round, int labelsUsed, double likedShare, Scores scores, double loss,
                        long timestepEvaluations, double updateSeconds, double roundSeconds) {}

    /**
     * @param evaluationSamples fresh samples scored after every round, from one fixed seed so
     *                          the curve shows the model's change, not sampling noise
     */
    public record Settings(int rounds, int imagesPerRound, int evaluationSamples, int evaluationBatch, long seed) {
        public Settings {
            if (rounds < 1 || imagesPerRound < 1 || evaluationSamples < 1 || evaluationBatch < 1) {
                throw new IllegalArgumentException("rounds, images per round and evaluation samples must be positive");
            }
        }
    }

    private final PersonalizedModel model;
    private final PapaUpdater updater;
    private final Sampler sampler;
    private final Settings settings;

    public OnlineAlignment(PersonalizedModel model, PapaUpdater updater, Sampler sampler, Settings settings) {
        this.model = model;
        this.updater = updater;
        this.sampler = sampler;
        this.settings = settings;
    }

    /** Runs every round; {@code onRound} sees each report as soon as it is measured. */
    public List<Round> run(User user, Evaluation evaluation, Consumer<Round> onRound) {
        List<Round> rounds = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(settings.seed());
        Round initial = new Round(0, 0, Double.NaN, evaluate(evaluation), Double.NaN, 0, 0, 0);
        rounds.add(initial);
        onRound.accept(initial);
        int labels = 0;
        long evaluations = 0;
        for (int r = 1; r <= settings.rounds(); r++) {
            long start = System.nanoTime();
            List<FeedbackExample> examples = new ArrayList<>();
            double liked = 0;
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray images = generate(settings.imagesPerRound(), random.split(), manager);
                float[] values = user.feedback(images);
                byte[][] pixels = PngImages.toPixels(images);
                for (int i = 0; i < values.length; i++) {
                    examples.add(new FeedbackExample(pixels[i], values[i]));
                    liked += values[i] > 0 ? 1 : 0;
                }
            }
            PapaUpdater.Result update = updater.update(examples, random.split());
            labels += examples.size();
            evaluations += update.timestepEvaluations();
            Scores scores = evaluate(evaluation);
            Round round = new Round(r, labels, liked / examples.size(), scores, update.loss(), evaluations,
                    update.millis() / 1000.0, (System.nanoTime() - start) / 1e9);
            rounds.add(round);
            onRound.accept(round);
        }
        return rounds;
    }

    /** Images from the current model, with EPAPA's switch to the base model below k. */
    public NDArray generate(int count, SplittableRandom random, NDManager manager) {
        return sampler.sample(model, model.imageShape(), count, updater.settings().epapaK(), random, manager);
    }

    private Scores evaluate(Evaluation evaluation) {
        try (NDManager manager = NDManager.newBaseManager()) {
            SplittableRandom random = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
            List<NDArray> batches = new ArrayList<>();
            for (int done = 0; done < settings.evaluationSamples(); done += settings.evaluationBatch()) {
                int n = Math.min(settings.evaluationBatch(), settings.evaluationSamples() - done);
                batches.add(generate(n, random.split(), manager));
            }
            return evaluation.score(NDArrays.concat(new NDList(batches)));
        }
    }
}
