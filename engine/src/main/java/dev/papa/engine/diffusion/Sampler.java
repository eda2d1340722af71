package dev.papa.engine.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * A reverse-process sampler. EPAPA-aware: at timestep t it asks the denoiser for the adapted
 * model when t ≥ {@code adaptedFrom} and the frozen base model below it (adaptedFrom = 0 uses
 * the adapted model throughout: plain PAPA).
 */
public interface Sampler {

    /** Number of model evaluations per image. */
    int modelCalls();

    /**
     * Draws {@code count} images (count, C, H, W) in [−1, 1], attached to {@code manager}.
     * The noise comes from {@code random} only, so a seed reproduces the images.
     */
    NDArray sample(Denoiser denoiser, Shape imageShape, int count, int adaptedFrom, SplittableRandom random,
                   NDManager manager);

    /** One reverse step x_t → x_prev on arrays owned by a step-local manager. */
    interface Step {
        NDArray apply(NDArray x, NDArray predictedNoise, int index, SplittableRandom random);
    }

    /** Runs the reverse loop over {@code timesteps} (descending), freeing each step's arrays. */
    static NDArray run(Denoiser denoiser, int[] timesteps, Shape imageShape, int count, int adaptedFrom,
                       SplittableRandom random, NDManager manager, Step step) {
        NDArray x = Noise.normal(manager, new Shape(count).addAll(imageShape), random);
        for (int i = 0; i < timesteps.length; i++) {
            try (NDManager local = manager.newSubManager()) {
                x.attach(local);
                NDArray eps = denoiser.predictNoise(x, timesteps[i], timesteps[i] >= adaptedFrom);
                NDArray next = step.apply(x, eps, i, random);
                next.attach(manager);
                x = next;
            }
        }
        return x;
    }

    /** x̂0 = (x_t − √(1−ᾱ) ε̂) / √ᾱ, clipped to the data range. */
    static NDArray predictCleanImage(NDArray x, NDArray eps, double alphaBar) {
        return x.sub(eps.mul(Math.sqrt(1 - alphaBar))).div(Math.sqrt(alphaBar)).clip(-1, 1);
    }
}
