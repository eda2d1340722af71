package dev.papa.sampler.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** The adapter version served for a user. */
@Schema(name = "AdapterInfo", description = "The adapter version this instance serves for a user.")
public record AdapterInfo(
        @Schema(description = "The user") String userId,
        @Schema(description = "Adapter version (0 = the base model: nothing published yet)") long version,
        @Schema(description = "When the trainer published it (null for version 0)", nullable = true) Instant publishedAt,
        @Schema(description = "Checksum id of the base model the adapter applies to") String baseModel,
        @Schema(description = "Feedbacks applied to the adapter over its whole life") long feedbackCount) {
}
