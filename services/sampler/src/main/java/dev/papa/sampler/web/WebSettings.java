package dev.papa.sampler.web;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import java.time.Duration;

/**
 * {@code papa.web.*}: what the web page needs that only the deployment knows. Checked at start-up
 * (a page that asked for more images or steps than the generate API takes could never work).
 */
@ConfigMapping(prefix = "papa.web")
public interface WebSettings {

    /** The feedback service's base URL as the person's browser reaches it. */
    @NotBlank
    String feedbackUrl();

    /** Images per round: keep it equal to the trainer's round size. */
    @Min(1)
    @Max(16)
    int imagesPerRound();

    /** DDIM steps per image. */
    @Min(1)
    @Max(1000)
    int steps();

    /** After sending a round, how long until the page says that no new version came yet. */
    Duration updateTimeout();
}
