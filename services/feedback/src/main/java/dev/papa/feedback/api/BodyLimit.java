package dev.papa.feedback.api;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Enforces {@code quarkus.http.limits.max-body-size} on {@code /api/v1/feedback} with a 413
 * problem instead of Quarkus' empty 413 (its limit handler has route order -2; this route runs
 * first, at -3):
 * <ul>
 *   <li>a declared Content-Length over the limit is answered at once, the body unread;</li>
 *   <li>an HTTP/1.1 body without Content-Length (chunked) is read here, counting as it arrives,
 *       and the REST layer takes it from the routing context;</li>
 *   <li>an HTTP/2 body without Content-Length is left to Quarkus, which stops it at the same limit
 *       with an empty 413 (the REST layer cannot take a pre-read HTTP/2 body).</li>
 * </ul>
 * The connection of a request over the limit is closed after the answer.
 */
@ApplicationScoped
public class BodyLimit {

    private static final String READ_HERE = BodyLimit.class.getName() + ".read";

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    @Inject
    Problems problems;

    void install(@Observes Router router) {
        if (maxBodySize.isEmpty()) {
            return;
        }
        long limit = maxBodySize.get().asLongValue();
        BodyHandler reader = BodyHandler.create(false).setBodyLimit(limit);
        router.route(FeedbackResource.PATH).order(-3)
                .handler(context -> check(context, limit, reader))
                .handler(BodyLimit::emptyBodyIsABody)
                .failureHandler(context -> failed(context, limit));
    }

    private void check(RoutingContext context, long limit, BodyHandler reader) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1; // the HTTP layer deals with it
            }
            if (declared > limit) {
                tooLarge(context, "the body has " + declared + " bytes, more than the limit of " + limit);
            } else {
                context.next();
            }
        } else if (context.request().version() != HttpVersion.HTTP_2) {
            context.put(READ_HERE, Boolean.TRUE);
            reader.handle(context); // continues with the next handler, or fails with 413
        } else {
            context.next();
        }
    }

    /** An empty body leaves no buffer, and the REST layer would then wait to read one from the ended request. */
    private static void emptyBodyIsABody(RoutingContext context) {
        if (context.get(READ_HERE) != null && context.getBody() == null) {
            context.setBody(Buffer.buffer());
        }
        context.next();
    }

    private void failed(RoutingContext context, long limit) {
        if (context.statusCode() == 413 && !context.response().headWritten()) {
            tooLarge(context, "the body is larger than the limit of " + limit + " bytes");
        } else {
            context.next();
        }
    }

    private void tooLarge(RoutingContext context, String detail) {
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(problems.body(ProblemKind.BODY_TOO_LARGE, detail));
    }
}
