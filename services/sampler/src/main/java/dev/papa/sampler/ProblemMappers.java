package dev.papa.sampler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.papa.sampler.api.Problem;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every error answer of the API is an application/problem+json document with a 4xx or 5xx status:
 * validation, malformed JSON, unknown resources, wrong methods or media types, Kafka being away.
 * (Bodies over the size limit are answered by {@link BodyLimitFilter} before JAX-RS runs.)
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String TYPE_PREFIX = "urn:papa:problem:";

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.InvalidParam> invalid = e.getConstraintViolations().stream()
                .map(v -> new Problem.InvalidParam(name(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.InvalidParam::name))
                .toList();
        String detail = invalid.stream().map(p -> p.name() + " " + p.reason()).collect(Collectors.joining("; "));
        return problem(400, "invalid-request", "Invalid request", detail, uri, invalid);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return problem(400, "invalid-request", "Invalid request", "unknown field '" + e.getPropertyName() + "'", uri,
                List.of(new Problem.InvalidParam(e.getPropertyName(), "is not a field of this request")));
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        String field = path(e);
        String detail = field.isEmpty() ? "the body does not have the expected shape: " + e.getOriginalMessage()
                : "field '" + field + "' has the wrong type";
        return problem(400, "malformed-json", "Malformed JSON body", detail, uri, null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status == 400 && e.getCause() instanceof JsonProcessingException json) {
            return problem(400, "malformed-json", "Malformed JSON body", "the body is not valid JSON: " + json.getOriginalMessage(),
                    uri, null);
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type != null ? type.getReasonPhrase() : "HTTP " + status;
        if (status >= 500) {
            LOG.errorf(e, "request %s failed", uri.getPath());
        }
        return problem(status, slug(title), title, e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response unavailableAdapter(AdapterRegistry.AdapterUnavailableException e, UriInfo uri) {
        LOG.warnf("request %s: %s", uri.getPath(), e.getMessage());
        return problem(503, "adapter-unavailable", "Adapter unavailable", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response unpublished(ImagePublisher.PublishException e, UriInfo uri) {
        LOG.warnf("request %s: %s", uri.getPath(), e.getMessage());
        return problem(503, "kafka-unavailable", "Images not published",
                e.getMessage() + "; no image was handed out, try again", uri, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        LOG.errorf(e, "request %s failed", uri.getPath());
        return problem(500, "internal-error", "Internal error", "the sampler failed: " + e.getClass().getSimpleName(),
                uri, null);
    }

    static Response problem(int status, String slug, String title, String detail, UriInfo uri,
                            List<Problem.InvalidParam> invalid) {
        return problem(status, slug, title, detail, uri != null ? uri.getPath() : null, invalid);
    }

    static Response problem(int status, String slug, String title, String detail, String instance,
                            List<Problem.InvalidParam> invalid) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(TYPE_PREFIX + slug, title, status, detail, instance, invalid))
                .build();
    }

    private static String name(ConstraintViolation<?> v) {
        // generate.request.count -> count; generate.userId -> userId
        String last = null;
        for (Path.Node node : v.getPropertyPath()) {
            last = node.getName();
        }
        return last != null ? last : "request";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
