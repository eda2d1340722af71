package dev.papa.feedback.api;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Builds problem responses and counts them: {@value #REJECTED} (tag {@code reason}: the
 * {@link ProblemKind#slug()}, or {@code http-STATUS} for other HTTP errors) and
 * {@value #ACCEPTED} (tag {@code kind}: LIKE, DISLIKE, SCORE).
 */
@ApplicationScoped
public class Problems {

    public static final String ACCEPTED = "papa.feedback.accepted";
    public static final String REJECTED = "papa.feedback.rejected";

    @Inject
    MeterRegistry registry;

    @Inject
    ObjectMapper json;

    public Response response(ProblemKind kind, String detail, List<Problem.Violation> violations) {
        return response(new Problem(kind.type(), kind.title(), kind.status(), detail, violations), kind.slug());
    }

    /** A problem for an HTTP error that is not one of this service's own kinds (405, 415, ...). */
    public Response httpError(int status, String title, String detail) {
        return response(new Problem("about:blank", title, status, detail, null), "http-" + status);
    }

    private Response response(Problem problem, String reason) {
        rejected(reason);
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** The problem as JSON text, for answers written outside JAX-RS; counts it. */
    public String body(ProblemKind kind, String detail) {
        rejected(kind.slug());
        try {
            return json.writeValueAsString(new Problem(kind.type(), kind.title(), kind.status(), detail, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void accepted(String kind) {
        registry.counter(ACCEPTED, "kind", kind).increment();
    }

    private void rejected(String reason) {
        registry.counter(REJECTED, "reason", reason).increment();
    }
}
