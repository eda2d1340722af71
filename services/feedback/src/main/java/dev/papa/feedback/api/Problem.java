package dev.papa.feedback.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail, sent as {@code application/problem+json}. */
@Schema(name = "Problem", description = "RFC 9457 problem details.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @Schema(description = "A URI naming the kind of problem, e.g. urn:papa:problem:token-rejected.") String type,
        @Schema(description = "A short summary of the kind of problem.") String title,
        @Schema(description = "The HTTP status code.") int status,
        @Schema(description = "What went wrong with this request.") String detail,
        @Schema(description = "The fields that failed validation, if any.") List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One field that failed validation. */
    @Schema(name = "Violation")
    public record Violation(String field, String message) {
    }
}
