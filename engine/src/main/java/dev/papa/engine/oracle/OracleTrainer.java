package dev.papa.engine.oracle;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.data.Datasets;
import dev.papa.engine.data.ImageSet;
import dev.papa.engine.train.Adam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains an {@link OracleClassifier} with softmax cross-entropy and Adam on a data set's
 * training half, with random shifts of up to {@code maxShift} pixels as augmentation, and
 * measures accuracy on the held-out half after every epoch (the held-out images are never
 * trained on). The learning rate warms up over the first steps, then follows a cosine decay.
 *
 * <p>Resumable per epoch: with a run folder, the weights and the optimizer state are written
 * there after each epoch, and a new run on that folder continues after the last finished one.
 * Shuffles, shifts and dropout are seeded per epoch, so a resumed run draws what an
 * uninterrupted one would have drawn.
 */
public final class OracleTrainer {

    /**
     * @param epochs        passes over the training images
     * @param batchSize     images per step
     * @param learningRate  Adam's peak step size
     * @param maxShift      augmentation: each image moves by up to this many pixels in x and y (0 = off)
     * @param seed          shuffles, shifts, dropout and the initial weights
     */
    public record Settings(int epochs, int batchSize, double learningRate, int maxShift, long seed) {
        public Settings {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || maxShift < 0) {
                throw new IllegalArgumentException("invalid oracle training settings: " + epochs + " epochs, batch "
                        + batchSize + ", lr " + learningRate + ", shift " + maxShift);
            }
        }

        /** The shipped MNIST oracle's settings. */
        public static Settings defaults() {
            return new Settings(12, 64, 2e-3, 2, 1);
        }
    }

    /** Training progress callbacks. */
    public interface Listener {
        default void step(long step, long totalSteps, double loss) {}

        default void epoch(int epoch, int epochs, double meanLoss, double heldOutAccuracy) {}
    }

    /** The trained oracle's checkpoint and its accuracy on the held-out images. */
    public record Result(Checkpoint checkpoint, double heldOutAccuracy) {}

    private static final String STATE = "oracle-train-state.ckpt";
    private static final String WEIGHT_PREFIX = "weights/";
    private static final String OPTIMIZER_PREFIX = "adam/";
    /** Linear warm-up length (at most a tenth of a short run). */
    private static final long WARMUP_STEPS = 100;
    private static final double FINAL_LR_FRACTION = 0.02;
    private static final double MAX_GRADIENT_NORM = 5.0;

    private final Settings settings;

    public OracleTrainer(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Trains {@code oracle} in place on {@code data.train()} and reports accuracy on
     * {@code data.heldOut()}.
     *
     * @param dataset name written into the checkpoint (e.g. "mnist", "fashion-mnist")
     * @param runDir  folder for resumable state, or null to train without saving state
     */
    public Result train(OracleClassifier oracle, String dataset, Datasets.Split data, Path runDir, Listener listener) {
        ImageSet train = data.train();
        int size = oracle.config().imageSize();
        if (train.height() != size || train.width() != size) {
            throw new IllegalArgumentException(dataset + " images are " + train.height() + "x" + train.width()
                    + ", the oracle takes " + size + "x" + size);
        }
        for (int i = 0; i < train.size(); i++) {
            if (train.label(i) < 0 || train.label(i) >= oracle.classes()) {
                throw new IllegalArgumentException(dataset + " has label " + train.label(i) + ", the oracle knows "
                        + oracle.classes() + " classes");
            }
        }
        int stepsPerEpoch = (train.size() + settings.batchSize() - 1) / settings.batchSize();
        long totalSteps = (long) stepsPerEpoch * settings.epochs();
        double accuracy = Double.NaN;
        try (Adam adam = new Adam(oracle.parameters(), settings.learningRate(), MAX_GRADIENT_NORM)) {
            int startEpoch = runDir == null ? 0 : resume(oracle, adam, dataset, runDir);
            for (int epoch = startEpoch; epoch < settings.epochs(); epoch++) {
                SplittableRandom random = new SplittableRandom(settings.seed() * 1_000_003L + epoch);
                Engine.getInstance().setRandomSeed((int) (settings.seed() * 7919 + epoch));
                int[] order = permutation(train.size(), random);
                double lossSum = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    long step = (long) epoch * stepsPerEpoch + s;
                    adam.setLearningRate(learningRate(step, totalSteps));
                    int from = s * settings.batchSize();
                    int to = Math.min(train.size(), from + settings.batchSize());
                    double loss = trainStep(oracle, train, order, from, to, random);
                    Adam.StepResult result = adam.step();
                    if (!result.applied()) {
                        throw new IllegalStateException("oracle training diverged at step " + step + ": " + result.rejection());
                    }
                    lossSum += loss;
                    listener.step(step + 1, totalSteps, loss);
                }
                accuracy = oracle.accuracy(data.heldOut());
                if (runDir != null) {
                    save(oracle, adam, dataset, runDir, epoch + 1);
                }
                listener.epoch(epoch + 1, settings.epochs(), lossSum / stepsPerEpoch, accuracy);
            }
        }
        if (Double.isNaN(accuracy)) {
            accuracy = oracle.accuracy(data.heldOut());
        }
        Map<String, String> provenance = provenance(dataset, settings.epochs());
        provenance.put("oracle.trainImages", Integer.toString(train.size()));
        provenance.put("oracle.heldOutImages", Integer.toString(data.heldOut().size()));
        provenance.put("oracle.heldOutAccuracy", String.format(java.util.Locale.ROOT, "%.4f", accuracy));
        return new Result(oracle.toCheckpoint(provenance), accuracy);
    }

    private double learningRate(long step, long totalSteps) {
        double peak = settings.learningRate();
        long warmup = Math.max(1, Math.min(WARMUP_STEPS, totalSteps / 10));
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double progress = (double) (step - warmup) / Math.max(1, totalSteps - warmup);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
        return peak * (FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * cosine);
    }

    private double trainStep(OracleClassifier oracle, ImageSet train, int[] order, int from, int to, SplittableRandom random) {
        int n = to - from;
        int h = train.height();
        int w = train.width();
        float[] pixels = new float[n * h * w];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            int index = order[from + i];
            labels[i] = train.label(index);
            shifted(train, index, random.nextInt(2 * settings.maxShift() + 1) - settings.maxShift(),
                    random.nextInt(2 * settings.maxShift() + 1) - settings.maxShift(), pixels, i * h * w);
        }
        try (NDManager step = oracle.manager().newSubManager()) {
            NDArray x = step.create(pixels, new Shape(n, 1, h, w));
            NDArray oneHot = step.create(labels).oneHot(oracle.classes());
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logProbabilities = oracle.logits(x, true).logSoftmax(1);
                NDArray loss = logProbabilities.mul(oneHot).sum(new int[] {1}).neg().mean();
                collector.backward(loss);
                return loss.getFloat();
            }
        }
    }

    /** Writes image {@code index} moved by (dx, dy) into {@code out}, background (−1) where it moved away. */
    static void shifted(ImageSet set, int index, int dx, int dy, float[] out, int offset) {
        int h = set.height();
        int w = set.width();
        int base = index * h * w;
        for (int y = 0; y < h; y++) {
            int sy = y - dy;
            for (int x = 0; x < w; x++) {
                int sx = x - dx;
                boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                out[offset + y * w + x] = inside ? ImageSet.toModelRange(set.pixels()[base + sy * w + sx]) : -1f;
            }
        }
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private Map<String, String> provenance(String dataset, int epochs) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("oracle.dataset", dataset);
        p.put("train.epochs", Integer.toString(epochs));
        p.put("train.batchSize", Integer.toString(settings.batchSize()));
        p.put("train.learningRate", Double.toString(settings.learningRate()));
        p.put("train.maxShift", Integer.toString(settings.maxShift()));
        p.put("train.seed", Long.toString(settings.seed()));
        return p;
    }

    private void save(OracleClassifier oracle, Adam adam, String dataset, Path runDir, int epochsDone) {
        Tensors all = new Tensors();
        all.putAll(WEIGHT_PREFIX, oracle.weights());
        Checkpoint optimizer = adam.state();
        all.putAll(OPTIMIZER_PREFIX, optimizer.tensors());
        Map<String, String> p = new LinkedHashMap<>(oracle.config().toProperties());
        p.putAll(provenance(dataset, epochsDone));
        p.putAll(optimizer.properties());
        new Checkpoint(Checkpoint.Kind.OPTIMIZER, p, all).write(runDir.resolve(STATE));
    }

    /** Returns the number of epochs already done (0 for a new run). */
    private int resume(OracleClassifier oracle, Adam adam, String dataset, Path runDir) {
        Path file = runDir.resolve(STATE);
        if (!Files.exists(file)) {
            return 0;
        }
        Checkpoint saved = Checkpoint.read(file).expect(Checkpoint.Kind.OPTIMIZER);
        Map<String, String> p = saved.properties();
        if (!oracle.config().equals(OracleConfig.fromProperties(p))) {
            throw new IllegalStateException("run folder " + runDir + " holds an oracle of another shape; use another --run-dir");
        }
        if (!dataset.equals(p.get("oracle.dataset"))) {
            throw new IllegalStateException("run folder " + runDir + " holds an oracle trained on " + p.get("oracle.dataset")
                    + ", not " + dataset + "; use another --run-dir");
        }
        if (!Long.toString(settings.seed()).equals(p.get("train.seed"))
                || !Integer.toString(settings.batchSize()).equals(p.get("train.batchSize"))) {
            throw new IllegalStateException("run folder " + runDir + " was trained with another seed or batch size; use another --run-dir");
        }
        oracle.loadWeights(saved.tensors().withPrefix(WEIGHT_PREFIX));
        adam.restore(new Checkpoint(Checkpoint.Kind.OPTIMIZER, p, saved.tensors().withPrefix(OPTIMIZER_PREFIX)));
        return Math.min(settings.epochs(), Integer.parseInt(p.get("train.epochs")));
    }
}
