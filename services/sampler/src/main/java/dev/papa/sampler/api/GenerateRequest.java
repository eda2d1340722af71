package dev.papa.sampler.api;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of a generation request; every field is optional. */
@Schema(name = "GenerateRequest", description = "How many images to generate and how to sample them; every field is optional.")
public record GenerateRequest(
        @Schema(description = "Number of images", minimum = "1", maximum = "16", defaultValue = "4")
        @Min(value = 1, message = "must be between 1 and 16") @Max(value = 16, message = "must be between 1 and 16")
        Integer count,
        @Schema(description = "ddim (a subsequence of `steps` timesteps) or ddpm (all 1000 timesteps; `steps` and `eta` ignored)",
                enumeration = {"ddim", "ddpm"}, defaultValue = "ddim")
        @Pattern(regexp = "ddim|ddpm", message = "must be ddim or ddpm")
        String sampler,
        @Schema(description = "DDIM steps", minimum = "1", maximum = "1000", defaultValue = "25")
        @Min(value = 1, message = "must be between 1 and 1000") @Max(value = 1000, message = "must be between 1 and 1000")
        Integer steps,
        @Schema(description = "DDIM stochasticity: 0 = deterministic, 1 = DDPM-like noise (cleaner digits from 25 steps up; "
                + "use 0 below)", minimum = "0", maximum = "1", defaultValue = "1")
        @DecimalMin(value = "0", message = "must be between 0 and 1") @DecimalMax(value = "1", message = "must be between 0 and 1")
        Double eta,
        @Schema(description = "Seed of the batch's random noise; random if absent. The same request (count, sampler, steps, eta, seed) "
                + "with the same adapter version reproduces the same images in the same order.")
        Long seed) {

    public static final int DEFAULT_COUNT = 4;
    public static final String DEFAULT_SAMPLER = "ddim";
    public static final int DEFAULT_STEPS = 25;
    public static final double DEFAULT_ETA = 1;

    /** An empty body: every default. */
    public static GenerateRequest defaults() {
        return new GenerateRequest(null, null, null, null, null);
    }

    public int countOrDefault() {
        return count != null ? count : DEFAULT_COUNT;
    }

    public String samplerOrDefault() {
        return sampler != null ? sampler : DEFAULT_SAMPLER;
    }

    public int stepsOrDefault() {
        return steps != null ? steps : DEFAULT_STEPS;
    }

    public double etaOrDefault() {
        return eta != null ? eta : DEFAULT_ETA;
    }
}
