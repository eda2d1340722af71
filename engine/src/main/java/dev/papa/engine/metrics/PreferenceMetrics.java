package dev.papa.engine.metrics;

import dev.papa.engine.oracle.SimulatedUser;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;

/**
 * Per-round preference metrics of a batch of fresh samples, from the oracle's predicted classes.
 *
 * <ul>
 *   <li>preference ratio: share of images whose predicted class is preferred;</li>
 *   <li>coverage: normalized entropy of the predicted-class histogram restricted to the
 *       preferred classes, H(p) / ln |preferred| with p_c = n_c / Σ_{preferred} n. 1.0 = the
 *       preferred classes appear equally often, 0 = collapse onto one of them.
 *       Edge cases: with a single preferred class there is nothing to spread over, so coverage
 *       is 1.0 whenever that class appears; with no image in any preferred class it is 0.</li>
 * </ul>
 *
 * @param histogram images per predicted class (length = number of classes)
 */
public record PreferenceMetrics(double preferenceRatio, double coverage, int[] histogram, SortedSet<Integer> preferred) {

    public PreferenceMetrics {
        histogram = histogram.clone();
    }

    /** Metrics of {@code predicted} classes (each in [0, classes)) for a user preferring {@code preferred}. */
    public static PreferenceMetrics of(int[] predicted, Collection<Integer> preferred, int classes) {
        SortedSet<Integer> set = checkedPreferred(preferred, classes);
        int[] histogram = histogram(predicted, classes);
        return new PreferenceMetrics(preferenceRatio(histogram, set), coverage(histogram, set), histogram, set);
    }

    public int imageCount() {
        int n = 0;
        for (int c : histogram) {
            n += c;
        }
        return n;
    }

    @Override
    public int[] histogram() {
        return histogram.clone();
    }

    /** Images per class. */
    public static int[] histogram(int[] predicted, int classes) {
        int[] counts = new int[classes];
        for (int c : predicted) {
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("predicted class " + c + " is outside 0.." + (classes - 1));
            }
            counts[c]++;
        }
        return counts;
    }

    /** Share of images in preferred classes; NaN for an empty histogram. */
    public static double preferenceRatio(int[] histogram, Collection<Integer> preferred) {
        long total = 0;
        long inPreferred = 0;
        for (int c = 0; c < histogram.length; c++) {
            total += histogram[c];
            if (preferred.contains(c)) {
                inPreferred += histogram[c];
            }
        }
        return total == 0 ? Double.NaN : (double) inPreferred / total;
    }

    /** Normalized entropy within the preferred classes (see the class comment for edge cases). */
    public static double coverage(int[] histogram, Collection<Integer> preferred) {
        long inPreferred = 0;
        for (int c : preferred) {
            inPreferred += histogram[c];
        }
        if (inPreferred == 0) {
            return 0;
        }
        if (preferred.size() == 1) {
            return 1;
        }
        double entropy = 0;
        for (int c : preferred) {
            if (histogram[c] > 0) {
                double p = (double) histogram[c] / inPreferred;
                entropy -= p * Math.log(p);
            }
        }
        return Math.min(1.0, entropy / Math.log(preferred.size()));
    }

    private static SortedSet<Integer> checkedPreferred(Collection<Integer> preferred, int classes) {
        return Collections.unmodifiableSortedSet(SimulatedUser.validate(preferred, classes));
    }
}
