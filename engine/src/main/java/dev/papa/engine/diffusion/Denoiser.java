package dev.papa.engine.diffusion;

import ai.djl.ndarray.NDArray;

/** What a sampler needs from a model: ε̂ for a batch at one timestep. */
@FunctionalInterface
public interface Denoiser {

    /**
     * @param x (B, C, H, W) noisy images at timestep t
     * @param adapted true for the personalized model, false for the frozen base model
     */
    NDArray predictNoise(NDArray x, int t, boolean adapted);
}
