package dev.papa.engine.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The DDPM forward process: β_t linear, α_t = 1 − β_t, ᾱ_t = Π_{s≤t} α_s, for t = 0..T−1.
 * Holds the schedule's arrays (computed in double, like the closed forms) and the per-timestep
 * factors the samplers and the PAPA loss need. Immutable, so one instance serves every thread.
 */
public final class NoiseSchedule {

    private final double[] betas;
    private final double[] alphas;
    private final double[] alphaBars;

    private NoiseSchedule(double[] betas) {
        this.betas = betas;
        this.alphas = new double[betas.length];
        this.alphaBars = new double[betas.length];
        double product = 1.0;
        for (int t = 0; t < betas.length; t++) {
            alphas[t] = 1.0 - betas[t];
            product *= alphas[t];
            alphaBars[t] = product;
        }
    }

    /** The reference schedule: T = 1000, β from 1e-4 to 0.02. */
    public static NoiseSchedule reference() {
        return linear(1000, 1e-4, 0.02);
    }

    public static NoiseSchedule linear(int steps, double betaStart, double betaEnd) {
        if (steps < 2 || !(betaStart > 0) || !(betaEnd < 1) || betaStart > betaEnd) {
            throw new IllegalArgumentException("a linear schedule needs T >= 2 and 0 < beta_start <= beta_end < 1");
        }
        double[] betas = new double[steps];
        for (int t = 0; t < steps; t++) {
            betas[t] = betaStart + (betaEnd - betaStart) * t / (steps - 1);
        }
        return new NoiseSchedule(betas);
    }

    public int steps() {
        return betas.length;
    }

    public double beta(int t) {
        return betas[t];
    }

    public double alpha(int t) {
        return alphas[t];
    }

    public double alphaBar(int t) {
        return alphaBars[t];
    }

    /** ᾱ_{t−1}, with the empty product ᾱ_{−1} = 1 (no noise before the first step). */
    public double alphaBarPrevious(int t) {
        return t == 0 ? 1.0 : alphaBars[t - 1];
    }

    /**
     * The ELBO weight of timestep t for the ε-prediction loss: w_t = β_t / (α_t (1 − ᾱ_{t−1})),
     * which is the DDPM bound's term with the posterior variance β̃_t as σ_t².
     * At t = 0 that variance is 0 and the formula divides by zero (the reference read ᾱ_{−1}
     * from the end of its array instead). We use σ_0² = β_0 there, the variance DDPM's own
     * decoder term uses, which gives w_0 = β_0 / (α_0 (1 − ᾱ_0)) = 1 / α_0.
     */
    public double elboWeight(int t) {
        double oneMinusPrev = t == 0 ? 1.0 - alphaBars[0] : 1.0 - alphaBars[t - 1];
        return betas[t] / (alphas[t] * oneMinusPrev);
    }

    /**
     * Forward-noises clean images: x_t = √ᾱ_t x0 + √(1−ᾱ_t) ε, one timestep per batch row.
     *
     * @param x0 (B, C, H, W) clean images
     * @param timesteps B timesteps
     * @param noise ε, same shape as x0
     */
    public NDArray addNoise(NDArray x0, int[] timesteps, NDArray noise) {
        NDManager manager = x0.getManager();
        float[] signal = new float[timesteps.length];
        float[] noiseScale = new float[timesteps.length];
        for (int i = 0; i < timesteps.length; i++) {
            signal[i] = (float) Math.sqrt(alphaBars[timesteps[i]]);
            noiseScale[i] = (float) Math.sqrt(1.0 - alphaBars[timesteps[i]]);
        }
        Shape perRow = new Shape(timesteps.length, 1, 1, 1);
        return x0.mul(manager.create(signal, perRow)).add(noise.mul(manager.create(noiseScale, perRow)));
    }
}
