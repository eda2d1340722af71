package dev.papa.engine.papa;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.diffusion.Noise;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.train.Adam;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The online PAPA update: one Adam step per round of feedback, on the round's summed loss
 *
 * <pre>
 * L(x0, y) = c_pref · y · Σ_{t∈S} w_t · ‖ε − ε_θ(x_t, t)‖²
 *          + c_model · 1[y &gt; 0] · mean_{t∈S} ‖ε_θ(x_t, t) − ε_base(x_t, t)‖²
 * </pre>
 * with ‖·‖² the mean over pixels, S = [k, T) (k = 0 for PAPA) summed exactly or estimated by
 * {@link TimestepPlan#stratified}, and the QPDE term over the same timesteps and noise as the
 * first (the reference used only its loop's last timestep).
 *
 * <p>Why one step per round and not one per example: a round's likes and dislikes pull against
 * each other, and only their sum says which way the user leans. Stepping on each example alone
 * let single images swing the model (measured: the preference ratio jumped between 0.16 and 0.80
 * from round to round); the round's summed gradient moves it steadily (docs/alignment.md).
 *
 * <p>DJL allows one gradient collector per JVM, so updates across all instances are serialized.
 */
public final class PapaUpdater implements AutoCloseable {

    private static final Object GRADIENT_LOCK = new Object();
    private static final int ATTEMPTS_PER_EXAMPLE = 3;

    private final PersonalizedModel model;
    private final NoiseSchedule schedule;
    private final PapaSettings settings;
    private final Adam adam;

    public PapaUpdater(PersonalizedModel model, NoiseSchedule schedule, PapaSettings settings) {
        if (settings.epapaK() >= schedule.steps()) {
            throw new IllegalArgumentException("EPAPA k must be below T = " + schedule.steps() + ", got " + settings.epapaK());
        }
        this.model = model;
        this.schedule = schedule;
        this.settings = settings;
        this.adam = new Adam(model.trainableParameters(), settings.learningRate(), settings.maxGradientNorm());
    }

    /**
     * What an update did. Losses are means over the applied examples.
     *
     * @param applied per example: whether it is in the step (false: its loss was not finite, or
     *                the whole step was rejected because the new weights were not)
     */
    public record Result(boolean[] applied, double loss, double preferenceLoss, double anchorLoss,
                         long timestepEvaluations, long millis) {

        public int appliedCount() {
            return countTrue(applied);
        }

        public int rejectedCount() {
            return applied.length - appliedCount();
        }
    }

    public PapaSettings settings() {
        return settings;
    }

    /** Timesteps one image is trained on: the cost unit of an update (one forward+backward each). */
    public int timestepsPerImage() {
        return settings.timestepsPerImage(schedule.steps());
    }

    /**
     * Applies one round of feedback as one Adam step. An example whose loss or gradient is not
     * finite spoils the round's summed gradient, so the round is accumulated again; such faults
     * come and go on this hardware (README, "Numerical faults"), so an example is left out only
     * after {@value #ATTEMPTS_PER_EXAMPLE} failed attempts.
     */
    public Result update(List<FeedbackExample> examples, SplittableRandom random) {
        long start = System.nanoTime();
        boolean[] applied = new boolean[examples.size()];
        Arrays.fill(applied, true);
        int[] failures = new int[examples.size()];
        double preference = 0;
        double anchor = 0;
        long evaluations = 0;
        synchronized (GRADIENT_LOCK) {
            int failed;
            do {
                adam.zeroGradients();
                preference = 0;
                anchor = 0;
                failed = -1;
                for (int i = 0; i < examples.size() && failed < 0; i++) {
                    if (!applied[i]) {
                        continue;
                    }
                    TimestepPlan plan = settings.estimator() == Estimator.EXACT
                            ? TimestepPlan.exact(schedule, settings.epapaK())
                            : TimestepPlan.stratified(schedule, settings.epapaK(), timestepsPerImage(), random);
                    double[] terms = accumulateGradients(examples.get(i), plan, random);
                    evaluations += plan.size();
                    if (Double.isFinite(terms[0] + terms[1]) && Double.isFinite(adam.gradientNorm())) {
                        preference += terms[0];
                        anchor += terms[1];
                    } else {
                        failed = i;
                        applied[i] = ++failures[i] < ATTEMPTS_PER_EXAMPLE;
                    }
                }
            } while (failed >= 0);
            if (countTrue(applied) == 0) {
                adam.zeroGradients();
            } else if (!adam.step().applied()) {
                Arrays.fill(applied, false);
            }
        }
        int n = Math.max(1, countTrue(applied));
        return new Result(applied, (preference + anchor) / n, preference / n, anchor / n, evaluations,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Backpropagates L(x0, y) chunk by chunk; returns its two terms' values. */
    private double[] accumulateGradients(FeedbackExample example, TimestepPlan plan, SplittableRandom random) {
        Shape imageShape = model.imageShape();
        double y = example.value();
        double preferenceTotal = 0;
        double anchorTotal = 0;
        for (int from = 0; from < plan.size(); from += settings.exactChunk()) {
            TimestepPlan chunk = plan.slice(from, Math.min(plan.size(), from + settings.exactChunk()));
            int b = chunk.size();
            try (NDManager scope = NDManager.newBaseManager()) {
                NDArray x0 = scope.create(example.modelRange(), new Shape(1).addAll(imageShape)).repeat(0, b);
                NDArray noise = Noise.normal(scope, x0.getShape(), random);
                NDArray xt = schedule.addNoise(x0, chunk.timesteps(), noise);
                NDArray timesteps = timestepArray(scope, chunk);
                NDArray baseNoise = y > 0 ? model.predictNoise(xt, timesteps, false, false).stopGradient() : null;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray predicted = model.predictNoise(xt, timesteps, true, true);
                    NDArray errors = meanSquaredPerRow(predicted, noise);
                    NDArray preferenceTerm = errors.mul(scope.create(toFloats(chunk.preferenceWeights()))).sum()
                            .mul((float) (settings.preferenceWeight() * y));
                    NDArray total = preferenceTerm;
                    double anchorValue = 0;
                    if (baseNoise != null) {
                        NDArray drift = meanSquaredPerRow(predicted, baseNoise);
                        NDArray anchorTerm = drift.mul(scope.create(toFloats(chunk.anchorWeights()))).sum()
                                .mul((float) settings.anchorWeight());
                        total = total.add(anchorTerm);
                        anchorValue = anchorTerm.getFloat();
                    }
                    double preferenceValue = preferenceTerm.getFloat();
                    if (!Double.isFinite(preferenceValue + anchorValue)) {
                        return new double[] {Double.NaN, Double.NaN};
                    }
                    collector.backward(total);
                    preferenceTotal += preferenceValue;
                    anchorTotal += anchorValue;
                }
            }
        }
        return new double[] {preferenceTotal, anchorTotal};
    }

    /**
     * The ELBO term Σ_t w_t ‖ε − ε_θ(x_t, t)‖² of an image under the adapted model, without
     * gradients: what PAPA lowers for a liked image and raises for a disliked one.
     */
    public double denoisingError(FeedbackExample example, TimestepPlan plan, SplittableRandom random) {
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray x0 = scope.create(example.modelRange(), new Shape(1).addAll(model.imageShape())).repeat(0, plan.size());
            NDArray noise = Noise.normal(scope, x0.getShape(), random);
            NDArray xt = schedule.addNoise(x0, plan.timesteps(), noise);
            NDArray predicted = model.predictNoise(xt, timestepArray(scope, plan), true, false);
            NDArray errors = meanSquaredPerRow(predicted, noise);
            return errors.mul(scope.create(toFloats(plan.preferenceWeights()))).sum().getFloat();
        }
    }

    /** ‖a − b‖² averaged over each row's pixels: (B, C, H, W) → (B,). */
    private static NDArray meanSquaredPerRow(NDArray a, NDArray b) {
        return a.sub(b).square().reshape(a.getShape().get(0), -1).mean(new int[] {1});
    }

    private static NDArray timestepArray(NDManager manager, TimestepPlan plan) {
        float[] t = new float[plan.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = plan.timesteps()[i];
        }
        return manager.create(t);
    }

    private static int countTrue(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** The optimizer's state, to publish with the adapter so a restarted trainer resumes exactly. */
    public Checkpoint optimizerState() {
        return adam.state();
    }

    public void restoreOptimizerState(Checkpoint state) {
        adam.restore(state);
    }

    /** Fresh optimizer moments, for a user starting from version 0. */
    public void resetOptimizer() {
        adam.reset();
    }

    @Override
    public void close() {
        adam.close();
    }
}
