package dev.papa.sampler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.papa.sampler.api.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Enforces {@code quarkus.http.limits.max-body-size} with a 413 problem+json answer, before
 * anything parses the body. (Quarkus enforces the same limit a step later, with an empty 413; this
 * filter gives that answer the API's error format.)
 *
 * <ul>
 *   <li>A body announced larger (Content-Length) is refused before it is read.</li>
 *   <li>A body without Content-Length (chunked) is read here up to the limit and handed on as the
 *       request body (Quarkus REST reads a body already read this way); one byte more and the
 *       request is refused.</li>
 * </ul>
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
            if (announced > limit) {
                tooLarge(ctx, "the body has " + announced + " bytes; at most " + limit + " are accepted");
            } else if (length == null && hasBody(ctx.request()) && !ctx.request().isEnded()) {
                readWithin(ctx, limit);
            } else {
                ctx.next();
            }
        }, PRIORITY);
    }

    private static boolean hasBody(HttpServerRequest request) {
        HttpMethod m = request.method();
        return m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH;
    }

    private void readWithin(RoutingContext ctx, long limit) {
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        HttpServerRequest request = ctx.request();
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                refused[0] = true;
                tooLarge(ctx, "the body has more than " + limit + " bytes; at most " + limit + " are accepted");
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            if (!refused[0] && !ctx.response().ended()) {
                ctx.fail(400, e);
            }
        });
        request.endHandler(v -> {
            if (!refused[0]) {
                ctx.setBody(body);
                ctx.next();
            }
        });
    }

    private void tooLarge(RoutingContext ctx, String detail) {
        Problem problem = new Problem("urn:papa:problem:body-too-large", "Request body too large", 413, detail,
                ctx.normalizedPath(), null);
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
    }
}
