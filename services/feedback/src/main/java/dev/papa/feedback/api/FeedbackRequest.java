package dev.papa.feedback.api;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /api/v1/feedback}. Exactly one of {@link #liked} and {@link #score} must
 * be given (checked by {@link FeedbackResource}: a constraint across two fields).
 */
@Schema(name = "FeedbackRequest", description = "A user's reaction to one image generated for them: exactly one of liked or score.")
public class FeedbackRequest {

    /** Ids: 1 to 128 characters, letters, digits and {@code . _ : @ + -}, starting with a letter or digit. */
    public static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}";
    static final String ID_MESSAGE = "must be 1 to 128 letters, digits or . _ : @ + - (starting with a letter or digit)";

    @Pattern(regexp = ID_PATTERN, message = ID_MESSAGE)
    @Schema(description = "Client-chosen idempotency key (e.g. a UUID); a retry with the same id is applied once. Generated if absent.",
            examples = "3f2b7c1e-8a4d-4e0b-9c51-2a6f0d9e7b13", pattern = ID_PATTERN)
    public String feedbackId;

    @NotNull
    @Pattern(regexp = ID_PATTERN, message = ID_MESSAGE)
    @Schema(description = "The image (ImageGenerated.imageId).", required = true, pattern = ID_PATTERN)
    public String imageId;

    @NotNull
    @Pattern(regexp = ID_PATTERN, message = ID_MESSAGE)
    @Schema(description = "The user giving the feedback: the user the image was generated for.", required = true, pattern = ID_PATTERN)
    public String userId;

    @NotNull
    @Size(min = 1, max = 256)
    @Schema(description = "The feedback token the sampler issued with the image for this user.", required = true)
    public String token;

    @Schema(description = "true: liked (value +1); false: disliked (value -1). Not together with score.")
    public Boolean liked;

    @DecimalMin("-1")
    @DecimalMax("1")
    @Schema(description = "A graded value in [-1, 1]. Not together with liked.", minimum = "-1", maximum = "1")
    public Double score;
}
