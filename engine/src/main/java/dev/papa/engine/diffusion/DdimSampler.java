package dev.papa.engine.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * DDIM (Song et al., 2021) over K evenly spaced timesteps t = (K−1)·T/K, …, T/K, 0:
 * x_prev = √ᾱ_prev x̂0 + √(1 − ᾱ_prev − σ²) ε̂ + σ z, σ = η √((1−ᾱ_prev)/(1−ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev).
 * η = 0 is deterministic given the starting noise; η = 1 matches DDPM's variance.
 */
public final class DdimSampler implements Sampler {

    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private final double eta;

    public DdimSampler(NoiseSchedule schedule, int steps, double eta) {
        if (steps < 1 || steps > schedule.steps()) {
            throw new IllegalArgumentException("DDIM steps must be in 1.." + schedule.steps() + ", got " + steps);
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("DDIM eta must be in [0, 1], got " + eta);
        }
        this.schedule = schedule;
        this.eta = eta;
        this.timesteps = new int[steps];
        int stride = schedule.steps() / steps;
        for (int i = 0; i < steps; i++) {
            timesteps[i] = (steps - 1 - i) * stride;
        }
    }

    @Override
    public int modelCalls() {
        return timesteps.length;
    }

    @Override
    public NDArray sample(Denoiser denoiser, Shape imageShape, int count, int adaptedFrom, SplittableRandom random,
                          NDManager manager) {
        return Sampler.run(denoiser, timesteps, imageShape, count, adaptedFrom, random, manager, (x, eps, i, rng) -> {
            double alphaBar = schedule.alphaBar(timesteps[i]);
            double alphaBarPrev = i + 1 < timesteps.length ? schedule.alphaBar(timesteps[i + 1]) : 1.0;
            NDArray x0 = Sampler.predictCleanImage(x, eps, alphaBar);
            // ε consistent with the clipped x̂0, so the deterministic path stays on the data range.
            NDArray direction = x.sub(x0.mul(Math.sqrt(alphaBar))).div(Math.sqrt(1 - alphaBar));
            double sigma = eta * Math.sqrt((1 - alphaBarPrev) / (1 - alphaBar)) * Math.sqrt(1 - alphaBar / alphaBarPrev);
            NDArray next = x0.mul(Math.sqrt(alphaBarPrev))
                    .add(direction.mul(Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma))));
            return sigma > 0 ? next.add(Noise.normal(x.getManager(), x.getShape(), rng).mul(sigma)) : next;
        });
    }
}
