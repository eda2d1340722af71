package dev.papa.engine.oracle;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A simulated user, as in the paper's experiments: the oracle labels each image, and the user
 * likes it ⇔ its predicted class is one of the preferred classes (MNIST [1, 4, 7, 9] in the
 * paper). Optional label noise flips liked/disliked with probability {@code noiseRate}, from a
 * seeded generator, to model an inconsistent human.
 *
 * <p>Feedback values ({@link FeedbackMode}): BINARY ±1, POSITIVE_ONLY 1/0, GRADED
 * 2·P(preferred) − 1 where P(preferred) is the oracle's total probability of the preferred
 * classes. A flip negates a graded value. In GRADED mode "liked" still means "predicted class is
 * preferred", so for an ambiguous image the value's sign can disagree with it.
 *
 * <p>Not thread-safe: the noise generator advances with every image judged.
 */
public final class SimulatedUser {

    /** The user's reaction to one image. */
    public record Reaction(int predictedClass, double preferredProbability, boolean liked, float value, boolean flipped) {}

    private final OracleClassifier oracle;
    private final SortedSet<Integer> preferred;
    private final boolean[] isPreferred;
    private final FeedbackMode mode;
    private final double noiseRate;
    private final SplittableRandom random;

    /** A noiseless user. */
    public SimulatedUser(OracleClassifier oracle, Collection<Integer> preferredClasses, FeedbackMode mode) {
        this(oracle, preferredClasses, mode, 0, 0);
    }

    /**
     * @param preferredClasses non-empty, each in [0, oracle classes)
     * @param noiseRate        probability in [0, 1] that a reaction is flipped
     * @param seed             seeds the flips
     */
    public SimulatedUser(OracleClassifier oracle, Collection<Integer> preferredClasses, FeedbackMode mode,
                         double noiseRate, long seed) {
        if (oracle == null || mode == null) {
            throw new IllegalArgumentException("a simulated user needs an oracle and a feedback mode");
        }
        this.preferred = Collections.unmodifiableSortedSet(validate(preferredClasses, oracle.classes()));
        if (!(noiseRate >= 0 && noiseRate <= 1)) {
            throw new IllegalArgumentException("label noise rate must be in [0, 1], got " + noiseRate);
        }
        this.oracle = oracle;
        this.mode = mode;
        this.noiseRate = noiseRate;
        this.random = new SplittableRandom(seed);
        this.isPreferred = new boolean[oracle.classes()];
        preferred.forEach(c -> isPreferred[c] = true);
    }

    /** Checks a preferred-class set against a classifier with {@code classes} classes. */
    public static SortedSet<Integer> validate(Collection<Integer> preferredClasses, int classes) {
        if (preferredClasses == null || preferredClasses.isEmpty()) {
            throw new IllegalArgumentException("preferred classes must not be empty: give at least one of 0.." + (classes - 1));
        }
        SortedSet<Integer> out = new TreeSet<>();
        for (Integer c : preferredClasses) {
            if (c == null || c < 0 || c >= classes) {
                throw new IllegalArgumentException("unknown preferred class " + c + ": classes are 0.." + (classes - 1));
            }
            out.add(c);
        }
        return out;
    }

    public SortedSet<Integer> preferredClasses() {
        return preferred;
    }

    public FeedbackMode mode() {
        return mode;
    }

    public double noiseRate() {
        return noiseRate;
    }

    /** Judges every image of a (B, 1, H, W) batch in [−1, 1], in order. */
    public List<Reaction> react(NDArray images) {
        float[] probabilities = oracle.probabilities(images).toFloatArray();
        int k = oracle.classes();
        int n = probabilities.length / k;
        List<Reaction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int best = 0;
            double pPreferred = 0;
            for (int c = 0; c < k; c++) {
                float p = probabilities[i * k + c];
                if (p > probabilities[i * k + best]) {
                    best = c;
                }
                if (isPreferred[c]) {
                    pPreferred += p;
                }
            }
            pPreferred = Math.min(1.0, Math.max(0.0, pPreferred));
            boolean flipped = noiseRate > 0 && random.nextDouble() < noiseRate;
            boolean liked = isPreferred[best] != flipped;
            float value = switch (mode) {
                case BINARY -> liked ? 1f : -1f;
                case POSITIVE_ONLY -> liked ? 1f : 0f;
                case GRADED -> (float) ((flipped ? -1 : 1) * (2 * pPreferred - 1));
            };
            out.add(new Reaction(best, pPreferred, liked, value, flipped));
        }
        return out;
    }

    /** One feedback value y ∈ [−1, 1] per image. */
    public float[] feedback(NDArray images) {
        List<Reaction> reactions = react(images);
        float[] out = new float[reactions.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = reactions.get(i).value();
        }
        return out;
    }

    /** Whether the user liked each image (after label noise). */
    public boolean[] liked(NDArray images) {
        List<Reaction> reactions = react(images);
        boolean[] out = new boolean[reactions.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = reactions.get(i).liked();
        }
        return out;
    }
}
