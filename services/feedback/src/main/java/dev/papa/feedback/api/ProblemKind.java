package dev.papa.feedback.api;

/**
 * The problems this service answers with. {@link #slug()} names the problem type
 * ({@code urn:papa:problem:SLUG}) and is the {@code reason} tag of the
 * {@code papa.feedback.rejected} metric.
 */
public enum ProblemKind {
    INVALID_REQUEST(400, "invalid-request", "Invalid feedback request"),
    MALFORMED_JSON(400, "malformed-json", "Malformed JSON"),
    TOKEN_REJECTED(403, "token-rejected", "Feedback token rejected"),
    IMAGE_UNKNOWN(404, "image-unknown", "Unknown image"),
    BODY_TOO_LARGE(413, "body-too-large", "Request body too large"),
    UNAVAILABLE(503, "unavailable", "Feedback could not be recorded"),
    INTERNAL(500, "internal", "Internal error");

    private final int status;
    private final String slug;
    private final String title;

    ProblemKind(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public String type() {
        return "urn:papa:problem:" + slug;
    }
}
