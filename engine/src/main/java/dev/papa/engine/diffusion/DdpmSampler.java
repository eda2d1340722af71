package dev.papa.engine.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * DDPM ancestral sampling over all T steps (the reference's sampler): x̂0 from ε̂, clipped, then
 * x_{t−1} ~ N(μ̃_t(x_t, x̂0), β̃_t I) with the posterior mean and variance of q(x_{t−1} | x_t, x0).
 */
public final class DdpmSampler implements Sampler {

    private final NoiseSchedule schedule;

    public DdpmSampler(NoiseSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public int modelCalls() {
        return schedule.steps();
    }

    @Override
    public NDArray sample(Denoiser denoiser, Shape imageShape, int count, int adaptedFrom, SplittableRandom random,
                          NDManager manager) {
        int steps = schedule.steps();
        int[] timesteps = new int[steps];
        for (int i = 0; i < steps; i++) {
            timesteps[i] = steps - 1 - i;
        }
        return Sampler.run(denoiser, timesteps, imageShape, count, adaptedFrom, random, manager,
                (x, eps, i, rng) -> step(x, eps, timesteps[i], rng));
    }

    /** x_t → x_{t−1}: posterior mean from the clipped x̂0, plus β̃_t-scaled noise except at t = 0. */
    public NDArray step(NDArray x, NDArray eps, int t, SplittableRandom random) {
        double alphaBar = schedule.alphaBar(t);
        double alphaBarPrev = schedule.alphaBarPrevious(t);
        double beta = schedule.beta(t);
        NDArray x0 = Sampler.predictCleanImage(x, eps, alphaBar);
        double cleanCoefficient = Math.sqrt(alphaBarPrev) * beta / (1 - alphaBar);
        double noisyCoefficient = Math.sqrt(schedule.alpha(t)) * (1 - alphaBarPrev) / (1 - alphaBar);
        NDArray mean = x0.mul(cleanCoefficient).add(x.mul(noisyCoefficient));
        if (t == 0) {
            return mean;
        }
        double variance = beta * (1 - alphaBarPrev) / (1 - alphaBar);
        return mean.add(Noise.normal(x.getManager(), x.getShape(), random).mul(Math.sqrt(variance)));
    }
}