package dev.papa.engine.papa;

/**
 * Hyper-parameters of the PAPA / EPAPA update (reference values in brackets).
 *
 * @param epapaK             EPAPA's k: train on t ≥ k only and sample with the base below k; 0 = PAPA
 * @param estimator          exact timestep sum [reference] or the sampled estimate
 * @param sampledTimesteps   timesteps per image for SAMPLED, for the full range [0, T); EPAPA uses
 *                           the same density, round(n·(T−k)/T), so its cost falls with its range
 * @param learningRate       Adam's step size [1e-5 for full fine-tuning]
 * @param preferenceWeight   c_pref [0.1]
 * @param anchorWeight       c_model, the QPDE term's weight [0.009]
 * @param saturation         β: the preference term saturates once the adapted model's weighted
 *                           denoising error on an image has moved about 1/β from the base's, in
 *                           the direction the feedback asks (see {@link PapaUpdater}); 0 = the
 *                           paper's unbounded term [0]
 * @param replayedLikes      images from the user's {@link LikedMemory} added to each round's step,
 *                           with the reaction they got [0: fresh feedback only]
 * @param stepsPerRound      Adam steps on each round's examples (fresh and replayed), each on
 *                           fresh timesteps and noise; one only for a round whose reactions sum
 *                           below zero [the reference steps once per image]
 * @param maxGradientNorm    clip the gradient's global norm to this (0 = off)
 * @param exactChunk         timesteps per forward pass when evaluating the exact sum
 */
public record PapaSettings(int epapaK, Estimator estimator, int sampledTimesteps, double learningRate,
                           double preferenceWeight, double anchorWeight, double saturation, int replayedLikes, int stepsPerRound,
                           double maxGradientNorm, int exactChunk) {

    public PapaSettings {
        if (epapaK < 0 || sampledTimesteps < 1 || !(learningRate > 0) || !(preferenceWeight >= 0)
                || !(anchorWeight >= 0) || !(saturation >= 0) || replayedLikes < 0 || stepsPerRound < 1 || !(maxGradientNorm >= 0) || exactChunk < 1) {
            throw new IllegalArgumentException("invalid PAPA settings: " + this);
        }
    }

    /**
     * PAPA with LoRA: the reference's loss weights, the sampled estimator, a LoRA-sized step, the
     * preference term saturating at β = 25 and 10 liked images replayed per round
     * (docs/alignment.md: without the last two, runs collapse).
     */
    public static PapaSettings loraDefaults() {
        return new PapaSettings(0, Estimator.SAMPLED, 32, 3e-3, 0.1, 0.009, 25, 10, 1, 1.0, 100);
    }

    public PapaSettings withEpapaK(int k) {
        return new PapaSettings(k, estimator, sampledTimesteps, learningRate, preferenceWeight, anchorWeight, saturation, replayedLikes, stepsPerRound, maxGradientNorm, exactChunk);
    }

    public PapaSettings withEstimator(Estimator e) {
        return new PapaSettings(epapaK, e, sampledTimesteps, learningRate, preferenceWeight, anchorWeight, saturation, replayedLikes, stepsPerRound, maxGradientNorm, exactChunk);
    }

    public PapaSettings withLearningRate(double lr) {
        return new PapaSettings(epapaK, estimator, sampledTimesteps, lr, preferenceWeight, anchorWeight, saturation, replayedLikes, stepsPerRound, maxGradientNorm, exactChunk);
    }

    public PapaSettings withSaturation(double beta) {
        return new PapaSettings(epapaK, estimator, sampledTimesteps, learningRate, preferenceWeight, anchorWeight, beta, replayedLikes, stepsPerRound, maxGradientNorm, exactChunk);
    }

    public PapaSettings withReplayedLikes(int n) {
        return new PapaSettings(epapaK, estimator, sampledTimesteps, learningRate, preferenceWeight, anchorWeight, saturation, n, stepsPerRound, maxGradientNorm, exactChunk);
    }

    public PapaSettings withStepsPerRound(int n) {
        return new PapaSettings(epapaK, estimator, sampledTimesteps, learningRate, preferenceWeight, anchorWeight, saturation, replayedLikes, n, maxGradientNorm, exactChunk);
    }

    public PapaSettings withSampledTimesteps(int n) {
        return new PapaSettings(epapaK, estimator, n, learningRate, preferenceWeight, anchorWeight, saturation, replayedLikes, stepsPerRound, maxGradientNorm, exactChunk);
    }

    /**
     * Timesteps one image is trained on, out of a schedule of {@code steps}: the cost unit of an
     * update (one forward+backward each).
     */
    public int timestepsPerImage(int steps) {
        int range = steps - epapaK;
        return estimator == Estimator.EXACT ? range
                : Math.max(1, (int) Math.round((double) sampledTimesteps * range / steps));
    }

    public boolean isEpapa() {
        return epapaK > 0;
    }
}
