package dev.papa.sampler.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** One server-sent event of a user's adapter stream: the version now served. */
@Schema(name = "AdapterEvent", description = "The adapter version this instance now serves for a user.")
public record AdapterEvent(
        @Schema(description = "The user") String userId,
        @Schema(description = "Adapter version now served (0 = the base model)") long version,
        @Schema(description = "When the trainer published it (null for version 0)", nullable = true) Instant publishedAt,
        @Schema(description = "Feedbacks applied to the adapter over its whole life") long feedbackCount) {
}
