package dev.papa.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.data.ImageSet;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.model.UNetConfig;
import dev.papa.engine.model.UNetModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains the base ε-model with the plain DDPM objective E‖ε − ε_θ(x_t, t)‖², t uniform.
 * Resumable: every {@code checkpointEvery} steps it writes the raw weights, their EMA and the
 * optimizer state to a run folder, and a new run on that folder continues from the last one.
 */
public final class BaseModelTrainer {

    /**
     * Training settings; the defaults are the first stage of the shipped base model's.
     *
     * @param decayFrom the step from which the rate falls along a half cosine to zero at
     *                  {@code steps} (annealing the end of a run); {@code steps} or more = constant
     */
    public record Settings(int steps, int batchSize, double learningRate, int warmupSteps, int decayFrom,
                           double emaDecay, int checkpointEvery, long seed) {
        public static Settings defaults() {
            return new Settings(8000, 64, 4e-4, 200, 8000, 0.999, 250, 1);
        }

        /** Linear warm-up, then constant, then (from {@code decayFrom}) a half cosine to zero. */
        public double learningRateAt(long step) {
            double warm = learningRate * Math.min(1.0, (step + 1.0) / warmupSteps);
            if (step < decayFrom) {
                return warm;
            }
            double progress = (double) (step - decayFrom) / Math.max(1, steps - decayFrom);
            return warm * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
        }
    }

    /** Progress after one step. */
    public record Progress(long step, long totalSteps, double loss, long skippedSteps) {}

    /**
     * Consecutive rejected steps after which training gives up. A lone non-finite gradient is
     * skipped: on some virtual machines vectorized CPU kernels now and then return garbage
     * (see the README's "Numerical faults" section), and one bad batch is not divergence.
     */
    static final int MAX_CONSECUTIVE_REJECTIONS = 20;

    private static final String STATE = "train-state.ckpt";
    private static final String LATEST_MODEL = "base-ema.ckpt";
    private static final String WEIGHT_PREFIX = "weights/";
    private static final String EMA_PREFIX = "ema/";
    private static final String OPTIMIZER_PREFIX = "adam/";

    private final NoiseSchedule schedule;
    private final Settings settings;

    public BaseModelTrainer(NoiseSchedule schedule, Settings settings) {
        this.schedule = schedule;
        this.settings = settings;
    }

    /**
     * Trains {@code model} in place (resuming from {@code runDir} if it holds a checkpoint) and
     * returns the EMA weights as a base-model checkpoint.
     */
    public Checkpoint train(UNetModel model, ImageSet data, Path runDir, Consumer<Progress> progress) {
        List<Parameter> parameters = model.baseParameters();
        model.setTrainable(parameters);
        List<String> names = new ArrayList<>(model.baseWeights().asMap().keySet());
        try (Adam adam = new Adam(parameters, settings.learningRate(), 1.0);
             ExponentialMovingAverage ema = new ExponentialMovingAverage(names, parameters, settings.emaDecay())) {
            long start = resume(model, adam, ema, runDir);
            long skipped = 0;
            int consecutive = 0;
            SplittableRandom random = new SplittableRandom(settings.seed() * 1_000_003L + start);
            Engine.getInstance().setRandomSeed((int) (settings.seed() + start));
            for (long step = start; step < settings.steps(); step++) {
                adam.setLearningRate(settings.learningRateAt(step));
                double loss = trainStep(model, data, random);
                Adam.StepResult result = adam.step();
                if (!result.applied()) {
                    skipped++;
                    if (++consecutive >= MAX_CONSECUTIVE_REJECTIONS) {
                        throw new IllegalStateException("base training diverged at step " + step + ": "
                                + consecutive + " steps in a row rejected (" + result.rejection() + ")");
                    }
                    step--; // redo this step with the next batch
                    continue;
                }
                consecutive = 0;
                ema.update(step);
                progress.accept(new Progress(step + 1, settings.steps(), loss, skipped));
                if ((step + 1) % settings.checkpointEvery() == 0 || step + 1 == settings.steps()) {
                    save(model, adam, ema, runDir, step + 1);
                }
            }
            return new Checkpoint(Checkpoint.Kind.BASE_MODEL, provenance(model, settings.steps()), ema.weights());
        }
    }

    private double trainStep(UNetModel model, ImageSet data, SplittableRandom random) {
        int batch = settings.batchSize();
        int[] indices = new int[batch];
        int[] timesteps = new int[batch];
        float[] t = new float[batch];
        for (int i = 0; i < batch; i++) {
            indices[i] = random.nextInt(data.size());
            timesteps[i] = random.nextInt(schedule.steps());
            t[i] = timesteps[i];
        }
        try (NDManager step = model.manager().newSubManager()) {
            NDArray x0 = data.toTensor(step, indices);
            NDArray noise = step.randomNormal(x0.getShape());
            NDArray xt = schedule.addNoise(x0, timesteps, noise);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray predicted = model.predictNoise(xt, step.create(t), true, true);
                NDArray loss = predicted.sub(noise).square().mean();
                collector.backward(loss);
                return loss.getFloat();
            }
        }
    }

    private Map<String, String> provenance(UNetModel model, long steps) {
        Map<String, String> p = new LinkedHashMap<>(model.config().toProperties());
        p.put("train.steps", Long.toString(steps));
        p.put("train.batchSize", Integer.toString(settings.batchSize()));
        p.put("train.learningRate", Double.toString(settings.learningRate()));
        p.put("train.decayFrom", Integer.toString(settings.decayFrom()));
        p.put("train.emaDecay", Double.toString(settings.emaDecay()));
        p.put("train.seed", Long.toString(settings.seed()));
        p.put("schedule.steps", Integer.toString(schedule.steps()));
        return p;
    }

    /** One file, written atomically: weights, their average and the optimizer state of one step. */
    private void save(UNetModel model, Adam adam, ExponentialMovingAverage ema, Path runDir, long step) {
        Tensors all = new Tensors();
        all.putAll(WEIGHT_PREFIX, model.baseWeights());
        all.putAll(EMA_PREFIX, ema.weights());
        Checkpoint state = adam.state();
        all.putAll(OPTIMIZER_PREFIX, state.tensors());
        Map<String, String> p = new LinkedHashMap<>(provenance(model, step));
        p.putAll(state.properties());
        new Checkpoint(Checkpoint.Kind.OPTIMIZER, p, all).write(runDir.resolve(STATE));
        // The averaged weights so far, usable as a base model while training goes on.
        new Checkpoint(Checkpoint.Kind.BASE_MODEL, provenance(model, step), ema.weights()).write(runDir.resolve(LATEST_MODEL));
    }

    /** Returns the step to continue from (0 for a new run). */
    private long resume(UNetModel model, Adam adam, ExponentialMovingAverage ema, Path runDir) {
        if (!Files.exists(runDir.resolve(STATE))) {
            return 0;
        }
        Checkpoint saved = Checkpoint.read(runDir.resolve(STATE)).expect(Checkpoint.Kind.OPTIMIZER);
        if (!model.config().equals(UNetConfig.fromProperties(saved.properties()))) {
            throw new IllegalStateException("run folder " + runDir + " holds a model of another shape");
        }
        model.loadBaseWeights(saved.tensors().withPrefix(WEIGHT_PREFIX));
        ema.restore(saved.tensors().withPrefix(EMA_PREFIX));
        adam.restore(new Checkpoint(Checkpoint.Kind.OPTIMIZER, saved.properties(), saved.tensors().withPrefix(OPTIMIZER_PREFIX)));
        return Long.parseLong(saved.properties().get("train.steps"));
    }
}
