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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The online PAPA update: {@link PapaSettings#stepsPerRound()} Adam steps per round of feedback,
 * each on the round's summed loss
 *
 * <pre>
 * L(x0, y) = c_pref · y · Σ_{t∈S} w_t · ‖ε − ε_θ(x_t, t)‖²
 *          + c_model · 1[y &gt; 0] · mean_{t∈S} ‖ε_θ(x_t, t) − ε_base(x_t, t)‖²
 * </pre>
 * or, with {@link PapaSettings#saturation()} β &gt; 0 (the default), the first term saturating
 * in the gap D between the adapted and the base model's weighted errors (see
 * {@link #saturatedValue}); β = 0 is the paper's loss exactly.
 * with ‖·‖² the mean over pixels, S = [k, T) (k = 0 for PAPA) summed exactly or estimated by
 * {@link TimestepPlan#stratified}, and the QPDE term over the same timesteps and noise as the
 * first (the reference used only its loop's last timestep).
 *
 * <p>Why one step per round and not one per example: a round's likes and dislikes pull against
 * each other, and only their sum says which way the user leans. Stepping on each example alone
 * let single images swing the model (measured: the preference ratio jumped between 0.16 and 0.80
 * from round to round); the round's summed gradient moves it steadily (docs/alignment.md).
 * Several steps on one round spend compute, not labels; each step draws fresh timesteps and noise
 * and measures the saturated term's gap D again, so an image stops pushing once it is ~1/β past
 * the base. A round that leans to dislikes (its reactions, replayed ones included, sum below zero:
 * in practice a first round before anything is remembered) gets one step only: steps pushed
 * mostly away from what was drawn have nothing to move towards, and repeating them drew junk.
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
    private final LikedMemory memory = new LikedMemory();

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
     * What an update did. Losses are those of the round's first step (at the weights the user
     * reacted to), means over its examples; a saturated preference term is measured against the
     * base model, so it is 0 at version 0 and negative as the adapter moves the way the feedback asks.
     *
     * @param applied per fresh example: whether it is in an applied step (false: its loss was not
     *                finite, or the round's first step was rejected because the new weights were not)
     * @param loss    mean over the first step's examples, replayed ones included
     * @param retries times the round's gradient was accumulated again because an example's loss
     *                or gradient came out non-finite (each retry repeats the whole round's work)
     */
    public record Result(boolean[] applied, double loss, double preferenceLoss, double anchorLoss,
                         long timestepEvaluations, int retries, long millis) {

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
     * Applies one round of feedback as {@link PapaSettings#stepsPerRound()} Adam steps (one if it
     * leans to dislikes), together with {@link PapaSettings#replayedLikes()} images drawn from the
     * user's {@link LikedMemory}; the round's applied liked images then join the memory. A
     * rejected step (non-finite weights) ends the round's steps, keeping the weights of the last
     * applied one. An example whose loss or gradient is not finite spoils the round's summed
     * gradient, so the round is accumulated again; such faults come and go on this hardware
     * (README, "Numerical faults"), so an example is left out only after
     * {@value #ATTEMPTS_PER_EXAMPLE} failed attempts.
     */
    public Result update(List<FeedbackExample> fresh, SplittableRandom random) {
        long start = System.nanoTime();
        List<FeedbackExample> examples = new ArrayList<>(fresh);
        examples.addAll(memory.draw(settings.replayedLikes(), random));
        boolean[] usable = new boolean[examples.size()];
        Arrays.fill(usable, true);
        int[] failures = new int[examples.size()];
        boolean[] applied = new boolean[examples.size()];
        RoundGradient first = RoundGradient.NONE;
        long evaluations = 0;
        int retries = 0;
        int steps = leansToLikes(examples) ? settings.stepsPerRound() : 1;
        synchronized (GRADIENT_LOCK) {
            for (int step = 0; step < steps; step++) {
                RoundGradient gradient = accumulateRound(examples, usable, failures, random);
                evaluations += gradient.evaluations();
                retries += gradient.retries();
                if (countTrue(usable) == 0) {
                    adam.zeroGradients();
                    break;
                }
                if (!adam.step().applied()) {
                    break; // the weights stay where the last applied step left them
                }
                if (step == 0) {
                    first = gradient; // a rejected step ends the round, so only step 0 can be the first applied
                }
                for (int i = 0; i < applied.length; i++) {
                    applied[i] |= usable[i];
                }
            }
        }
        int n = Math.max(1, first.count());
        double preference = first.preference();
        double anchor = first.anchor();
        boolean[] freshApplied = Arrays.copyOf(applied, fresh.size());
        memory.remember(fresh, freshApplied);
        return new Result(freshApplied, (preference + anchor) / n, preference / n, anchor / n, evaluations, retries,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Whether the round's reactions, fresh and replayed, sum to zero or more (see the class comment). */
    private static boolean leansToLikes(List<FeedbackExample> examples) {
        return examples.stream().mapToDouble(FeedbackExample::value).sum() >= 0;
    }

    /** The summed loss terms of {@code count} examples behind one step's gradient, and what accumulating it cost. */
    private record RoundGradient(double preference, double anchor, int count, long evaluations, int retries) {
        static final RoundGradient NONE = new RoundGradient(0, 0, 0, 0, 0);
    }

    /**
     * Accumulates the gradient of every usable example's loss, each on freshly drawn timesteps
     * and noise. A non-finite example spoils the sum, so the round starts over; an example that
     * fails {@value #ATTEMPTS_PER_EXAMPLE} times is marked unusable.
     */
    private RoundGradient accumulateRound(List<FeedbackExample> examples, boolean[] usable, int[] failures,
                                          SplittableRandom random) {
        long evaluations = 0;
        int retries = 0;
        while (true) {
            adam.zeroGradients();
            double preference = 0;
            double anchor = 0;
            int failed = -1;
            for (int i = 0; i < examples.size() && failed < 0; i++) {
                if (!usable[i]) {
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
                    retries++;
                    usable[i] = ++failures[i] < ATTEMPTS_PER_EXAMPLE;
                }
            }
            if (failed < 0) {
                return new RoundGradient(preference, anchor, countTrue(usable), evaluations, retries);
            }
        }
    }

    /**
     * Backpropagates L(x0, y) chunk by chunk; returns its two terms' values. The saturated
     * term's weight depends on the whole timestep sum, so a plan longer than one chunk measures
     * the error gap in a pass without gradients first, on the same noise.
     */
    private double[] accumulateGradients(FeedbackExample example, TimestepPlan plan, SplittableRandom random) {
        double y = example.value();
        boolean saturating = settings.saturation() > 0;
        boolean oneChunk = plan.size() <= settings.exactChunk();
        double preferenceTotal = 0;
        double anchorTotal = 0;
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray noise = Noise.normal(scope, new Shape(plan.size()).addAll(model.imageShape()), random);
            double gap = saturating && !oneChunk ? errorGap(example, plan, noise) : Double.NaN;
            double gate = saturating && !oneChunk ? gate(y, gap) : 1;
            for (int from = 0; from < plan.size(); from += settings.exactChunk()) {
                int to = Math.min(plan.size(), from + settings.exactChunk());
                TimestepPlan chunk = plan.slice(from, to);
                try (NDManager chunkScope = scope.newSubManager()) {
                    NDArray chunkNoise = noise.get(from + ":" + to);
                    NDArray xt = noisedImages(chunkScope, example, chunk, chunkNoise);
                    NDArray timesteps = timestepArray(chunkScope, chunk);
                    NDArray weights = chunkScope.create(toFloats(chunk.preferenceWeights()));
                    NDArray baseNoise = y > 0 || saturating ? model.predictNoise(xt, timesteps, false, false).stopGradient() : null;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray predicted = model.predictNoise(xt, timesteps, true, true);
                        NDArray weightedErrors = meanSquaredPerRow(predicted, chunkNoise).mul(weights).sum();
                        if (saturating && oneChunk) {
                            gap = weightedErrors.getFloat() - meanSquaredPerRow(baseNoise, chunkNoise).mul(weights).sum().getFloat();
                            gate = gate(y, gap);
                        }
                        // the gradient of the saturated term is c_pref · y · gate · ∇ Σ w_t ‖ε − ε_θ‖²
                        NDArray preferenceTerm = weightedErrors.mul((float) (settings.preferenceWeight() * y * gate));
                        NDArray total = preferenceTerm;
                        double anchorValue = 0;
                        if (y > 0) {
                            NDArray drift = meanSquaredPerRow(predicted, baseNoise);
                            NDArray anchorTerm = drift.mul(chunkScope.create(toFloats(chunk.anchorWeights()))).sum()
                                    .mul((float) settings.anchorWeight());
                            total = total.add(anchorTerm);
                            anchorValue = anchorTerm.getFloat();
                        }
                        double preferenceValue = preferenceTerm.getFloat();
                        if (!Double.isFinite(preferenceValue + anchorValue + gate)) {
                            return new double[] {Double.NaN, Double.NaN};
                        }
                        collector.backward(total);
                        preferenceTotal += preferenceValue;
                        anchorTotal += anchorValue;
                    }
                }
            }
            if (saturating) {
                preferenceTotal = saturatedValue(y, gap);
            }
        }
        return new double[] {preferenceTotal, anchorTotal};
    }

    /**
     * D = Σ_t w_t (‖ε − ε_θ(x_t, t)‖² − ‖ε − ε_base(x_t, t)‖²) over the plan, without gradients:
     * how much worse than the base the adapted model denoises the image.
     */
    private double errorGap(FeedbackExample example, TimestepPlan plan, NDArray noise) {
        double gap = 0;
        for (int from = 0; from < plan.size(); from += settings.exactChunk()) {
            int to = Math.min(plan.size(), from + settings.exactChunk());
            TimestepPlan chunk = plan.slice(from, to);
            try (NDManager chunkScope = noise.getManager().newSubManager()) {
                NDArray chunkNoise = noise.get(from + ":" + to);
                NDArray xt = noisedImages(chunkScope, example, chunk, chunkNoise);
                NDArray timesteps = timestepArray(chunkScope, chunk);
                NDArray weights = chunkScope.create(toFloats(chunk.preferenceWeights()));
                NDArray adapted = meanSquaredPerRow(model.predictNoise(xt, timesteps, true, false), chunkNoise);
                NDArray base = meanSquaredPerRow(model.predictNoise(xt, timesteps, false, false), chunkNoise);
                gap += adapted.sub(base).mul(weights).sum().getFloat();
            }
        }
        return gap;
    }

    /**
     * The saturated preference term c_pref · |y| · (2/β) · (softplus(sign(y) · β · D) − ln 2),
     * zero at the base model, ≈ c_pref · y · D while |βD| is small (the paper's term up to a
     * constant), and flat once the image is |D| ≫ 1/β past the base in the direction y asks.
     * This bounds what a dislike can do the way NPO bounds unlikelihood training: without it a
     * run of disliked rounds drives the model ever further from anything it drew (docs/alignment.md).
     */
    private double saturatedValue(double y, double gap) {
        double beta = settings.saturation();
        double z = Math.signum(y) * beta * gap;
        double softplus = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        return settings.preferenceWeight() * Math.abs(y) * 2 / beta * (softplus - Math.log(2));
    }

    /** d saturatedValue / d (c_pref · y · D): 2σ(sign(y) · β · D), 1 at the base. */
    private double gate(double y, double gap) {
        return 2 / (1 + Math.exp(-Math.signum(y) * settings.saturation() * gap));
    }

    private NDArray noisedImages(NDManager manager, FeedbackExample example, TimestepPlan chunk, NDArray chunkNoise) {
        NDArray x0 = manager.create(example.modelRange(), new Shape(1).addAll(model.imageShape())).repeat(0, chunk.size());
        return schedule.addNoise(x0, chunk.timesteps(), chunkNoise);
    }

    /**
     * The ELBO term Σ_t w_t ‖ε − ε_θ(x_t, t)‖² of an image under the adapted model, without
     * gradients: what PAPA lowers for a liked image and raises for a disliked one.
     */
    public double denoisingError(FeedbackExample example, TimestepPlan plan, SplittableRandom random) {
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray noise = Noise.normal(scope, new Shape(plan.size()).addAll(model.imageShape()), random);
            NDArray xt = noisedImages(scope, example, plan, noise);
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

    /**
     * Everything the next update depends on besides the weights: the optimizer's moments and the
     * liked-image memory, to publish with the adapter so a restarted trainer resumes exactly.
     */
    public Checkpoint optimizerState() {
        Checkpoint state = adam.state();
        memory.writeTo(state.tensors());
        return state;
    }

    /**
     * @throws IllegalArgumentException if the state does not fit this model; the updater is then
     *                                  in no defined state: {@link #resetOptimizer()} it
     */
    public void restoreOptimizerState(Checkpoint state) {
        adam.restore(state);
        memory.readFrom(state.tensors(), pixelsPerImage());
    }

    /** Fresh optimizer moments and an empty memory, for a user starting from version 0. */
    public void resetOptimizer() {
        adam.reset();
        memory.clear();
    }

    private int pixelsPerImage() {
        return Math.toIntExact(model.imageShape().size());
    }

    @Override
    public void close() {
        adam.close();
    }
}
