package dev.papa.sampler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.papa.sampler.api.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a body announced larger than {@code quarkus.http.limits.max-body-size} with a 413
 * problem+json document before anything reads it. (Quarkus enforces the same limit a step later,
 * with an empty 413; this filter only gives that answer the API's error format.)
 */
@ApplicationScoped
public class BodyLimitFilter {

    /** Runs before Quarkus's own limit check (route order -2): filters get order -priority. */
    private static final int PRIORITY = 100;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    @Inject
    ObjectMapper json;

    void register(@Observes Filters filters) {
        long limit = maxBodySize.asLongValue();
        filters.register(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long announced;
            try {
                announced = length != null ? Long.parseLong(length.trim()) : -1;
            } catch (NumberFormatException e) {
                announced = -1;
            }
            if (announced <= limit) {
                ctx.next();
                return;
            }
            Problem problem = new Problem("urn:papa:problem:body-too-large", "Request body too large", 413,
                    "the body has " + announced + " bytes; at most " + limit + " are accepted", ctx.normalizedPath(), null);
            String body;
            try {
                body = json.writeValueAsString(problem);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            ctx.response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(body);
        }, PRIORITY);
    }
}
