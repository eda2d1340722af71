package dev.papa.feedback.api;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure of a request becomes {@code application/problem+json}: this service's own
 * problems, JSON that does not parse or does not fit the request, other HTTP errors (405, 406,
 * 415, ...), and anything unexpected (500).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @Inject
    Problems problems;

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return problems.response(e.kind(), e.getMessage(), e.violations());
    }

    /** JSON that parses but does not fit: wrong types, unknown fields, duplicate fields. */
    @ServerExceptionMapper
    public Response mismatch(MismatchedInputException e) {
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
            return malformed(e); // more after the JSON value: not one JSON text
        }
        String field = field(e.getPath());
        String detail;
        if (e instanceof UnrecognizedPropertyException unknown) {
            detail = "unknown field '" + unknown.getPropertyName() + "'";
        } else if (field != null) {
            detail = "field '" + field + "' has the wrong type or format";
        } else {
            detail = "the body must be a JSON object with the fields of a feedback request";
        }
        return problems.response(ProblemKind.INVALID_REQUEST, detail,
                field == null ? null : List.of(new Problem.Violation(field, detail)));
    }

    /** Other Jackson failures that reach us unwrapped. */
    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return malformed(e);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformed(json);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            LOG.error("request failed", e);
        }
        return problems.httpError(status.getStatusCode(), status.getReasonPhrase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("request failed", e);
        return problems.response(ProblemKind.INTERNAL, "unexpected error; see the service log", null);
    }

    private Response malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String what = e.getOriginalMessage();
        if (what != null && what.length() > 200) {
            what = what.substring(0, 200) + "...";
        }
        return problems.response(ProblemKind.MALFORMED_JSON, "the body is not valid JSON" + where + ": " + what, null);
    }

    private static String field(List<JsonMappingException.Reference> path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        return path.stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
