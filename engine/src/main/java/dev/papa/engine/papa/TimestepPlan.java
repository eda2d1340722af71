package dev.papa.engine.papa;

import dev.papa.engine.diffusion.NoiseSchedule;

import java.util.SplittableRandom;

/**
 * The timesteps one image is trained on, with the factors that turn per-timestep errors into
 * the PAPA loss's two terms:
 * <ul>
 *   <li>{@code preferenceWeights[i]}: Σ_i pw_i · e(t_i) estimates Σ_{t∈[k,T)} w_t · e(t) (the ELBO sum);
 *   <li>{@code anchorWeights[i]}: Σ_i aw_i · d(t_i) estimates mean_{t∈[k,T)} d(t) (the QPDE term).
 * </ul>
 * For EXACT these are the sums themselves. For SAMPLED the range is cut into equal strata and
 * one t is drawn uniformly in each: the estimate is unbiased (E = the exact sum) because each
 * draw is scaled by 1/p(t) = its stratum's size, and stratifying keeps its variance low.
 */
public record TimestepPlan(int[] timesteps, double[] preferenceWeights, double[] anchorWeights) {

    /** All timesteps in [from, T). */
    public static TimestepPlan exact(NoiseSchedule schedule, int from) {
        int count = schedule.steps() - from;
        int[] t = new int[count];
        double[] pw = new double[count];
        double[] aw = new double[count];
        for (int i = 0; i < count; i++) {
            t[i] = from + i;
            pw[i] = schedule.elboWeight(t[i]);
            aw[i] = 1.0 / count;
        }
        return new TimestepPlan(t, pw, aw);
    }

    /** {@code strata} timesteps in [from, T), one uniform draw per equal stratum. */
    public static TimestepPlan stratified(NoiseSchedule schedule, int from, int strata, SplittableRandom random) {
        int range = schedule.steps() - from;
        if (strata < 1 || strata > range) {
            throw new IllegalArgumentException("sampled timesteps must be in 1.." + range + ", got " + strata);
        }
        int[] t = new int[strata];
        double[] pw = new double[strata];
        double[] aw = new double[strata];
        for (int j = 0; j < strata; j++) {
            int lo = from + (int) ((long) range * j / strata);
            int hi = from + (int) ((long) range * (j + 1) / strata);
            int size = hi - lo;
            t[j] = lo + random.nextInt(size);
            pw[j] = schedule.elboWeight(t[j]) * size;
            aw[j] = (double) size / range;
        }
        return new TimestepPlan(t, pw, aw);
    }

    public int size() {
        return timesteps.length;
    }

    /** Rows {@code [from, to)} of this plan (the exact sum is evaluated in chunks). */
    public TimestepPlan slice(int from, int to) {
        return new TimestepPlan(java.util.Arrays.copyOfRange(timesteps, from, to),
                java.util.Arrays.copyOfRange(preferenceWeights, from, to),
                java.util.Arrays.copyOfRange(anchorWeights, from, to));
    }
}
