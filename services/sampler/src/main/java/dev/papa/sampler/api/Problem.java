package dev.papa.sampler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** An RFC 9457 problem detail, sent as application/problem+json for every error. */
@Schema(name = "Problem", description = "Error details (RFC 9457, application/problem+json).")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @Schema(description = "Problem type URI") String type,
        @Schema(description = "Short summary of the problem type") String title,
        @Schema(description = "HTTP status code") int status,
        @Schema(description = "What went wrong with this request") String detail,
        @Schema(description = "The request path") String instance,
        @Schema(description = "Invalid inputs, one per violated constraint", nullable = true) List<InvalidParam> invalidParams) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @Schema(name = "InvalidParam", description = "One invalid input.")
    public record InvalidParam(String name, String reason) {
    }
}
