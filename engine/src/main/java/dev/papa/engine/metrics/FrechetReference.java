package dev.papa.engine.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.papa.engine.data.ImageSet;
import dev.papa.engine.oracle.OracleClassifier;
import dev.papa.engine.oracle.SimulatedUser;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;

/**
 * The quality yardstick of a round: feature statistics of real images of the user's preferred
 * classes (normally the data set's held-out images, which neither the base model nor the
 * oracle trained on), computed once, and the Fréchet distance of generated images to them.
 *
 * <p>Holds, but does not own, the oracle whose features it uses: generated images must be
 * scored by the same oracle, so {@link #distance(NDArray)} uses it too.
 */
public final class FrechetReference {

    private final OracleClassifier oracle;
    private final SortedSet<Integer> classes;
    private final FeatureStatistics statistics;

    private FrechetReference(OracleClassifier oracle, SortedSet<Integer> classes, FeatureStatistics statistics) {
        this.oracle = oracle;
        this.classes = classes;
        this.statistics = statistics;
    }

    /**
     * Statistics of the images of {@code real} labelled with one of {@code classes}, e.g.
     * {@code FrechetReference.of(oracle, Datasets.mnist().heldOut(), List.of(1, 4, 7, 9))}.
     */
    public static FrechetReference of(OracleClassifier oracle, ImageSet real, Collection<Integer> classes) {
        SortedSet<Integer> set = Collections.unmodifiableSortedSet(SimulatedUser.validate(classes, oracle.classes()));
        ImageSet selected = real.withLabels(set.stream().mapToInt(Integer::intValue).toArray());
        if (selected.size() < 2) {
            throw new IllegalArgumentException(real.name() + " has " + selected.size() + " images of classes " + set
                    + "; a Fréchet reference needs at least 2");
        }
        try (NDManager scratch = NDManager.newBaseManager()) {
            FeatureStatistics statistics = FeatureStatistics.of(oracle.features(selected.toTensor(scratch)));
            return new FrechetReference(oracle, set, statistics);
        }
    }

    public SortedSet<Integer> classes() {
        return classes;
    }

    public FeatureStatistics statistics() {
        return statistics;
    }

    public int imageCount() {
        return statistics.count();
    }

    /** Fréchet distance of a (B, 1, H, W) batch of generated images (B ≥ 2) to the reference. */
    public double distance(NDArray images) {
        try (NDManager scratch = images.getManager().newSubManager()) {
            NDArray features = oracle.features(images);
            features.attach(scratch);
            return distance(FeatureStatistics.of(features));
        }
    }

    /** Fréchet distance of precomputed feature statistics to the reference. */
    public double distance(FeatureStatistics generated) {
        return FrechetDistance.between(generated, statistics);
    }
}
