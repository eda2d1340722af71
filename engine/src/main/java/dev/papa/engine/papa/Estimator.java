package dev.papa.engine.papa;

/** How the PAPA loss's sum over timesteps is computed. */
public enum Estimator {
    /** Every timestep in range, as the reference does: T forward+backward passes per image. */
    EXACT,
    /** An unbiased stratified Monte Carlo estimate from a few timesteps, batched into one pass. */
    SAMPLED
}
