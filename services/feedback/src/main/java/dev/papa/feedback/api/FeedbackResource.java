package dev.papa.feedback.api;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.papa.schemas.FeedbackGiven;
import dev.papa.schemas.FeedbackKind;
import dev.papa.schemas.FeedbackTokens;

/**
 * {@code POST /api/v1/feedback}: checks a user's reaction to an image and writes it to
 * papa.feedback. Nothing is written unless every check passed.
 */
@Path(FeedbackResource.PATH)
@Tag(name = "feedback")
public class FeedbackResource {

    public static final String PATH = "/api/v1/feedback";

    private final Validator validator;
    private final FeedbackTokens tokens;
    private final ImageDirectory images;
    private final FeedbackPublisher publisher;
    private final Problems problems;

    @Inject
    public FeedbackResource(Validator validator, @ConfigProperty(name = "papa.token.secret") String secret,
            ImageDirectory images, FeedbackPublisher publisher, Problems problems) {
        this.validator = validator;
        this.tokens = new FeedbackTokens(secret);
        this.images = images;
        this.publisher = publisher;
        this.problems = problems;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Give feedback on an image",
            description = "Exactly one of liked (like/dislike: value +1/-1) or score (a value in [-1, 1]). The token is the one "
                    + "the sampler issued with the image for this user. Answers 202 once Kafka acknowledged the feedback.")
    @APIResponse(responseCode = "202", description = "Recorded in papa.feedback",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FeedbackAccepted.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a missing or invalid field, both or neither of liked and score",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The token is not valid for this user and image",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "The token is not valid and no such image is known",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The body is larger than quarkus.http.limits.max-body-size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge in time; retry with the same feedbackId",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response give(FeedbackRequest request) {
        validate(request);
        checkToken(request);
        FeedbackKind kind = request.score != null ? FeedbackKind.SCORE
                : request.liked ? FeedbackKind.LIKE : FeedbackKind.DISLIKE;
        float value = switch (kind) {
            case LIKE -> 1f;
            case DISLIKE -> -1f;
            case SCORE -> request.score.floatValue();
        };
        String feedbackId = request.feedbackId != null ? request.feedbackId : UUID.randomUUID().toString();
        publisher.publish(FeedbackGiven.newBuilder()
                .setFeedbackId(feedbackId)
                .setImageId(request.imageId)
                .setUserId(request.userId)
                .setValue(value)
                .setKind(kind)
                .setGivenAt(Instant.now())
                .build());
        problems.accepted(kind.name());
        return Response.accepted(FeedbackAccepted.of(feedbackId)).type(MediaType.APPLICATION_JSON).build();
    }

    private void validate(FeedbackRequest request) {
        if (request == null) {
            throw new ProblemException(ProblemKind.INVALID_REQUEST,
                    "the body must be a JSON object with imageId, userId, token and one of liked or score");
        }
        Set<ConstraintViolation<FeedbackRequest>> violations = validator.validate(request);
        List<Problem.Violation> problems = violations.stream()
                .map(v -> new Problem.Violation(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field))
                .collect(Collectors.toList());
        if (request.liked != null && request.score != null) {
            problems.add(new Problem.Violation("liked", "give either liked or score, not both"));
        } else if (request.liked == null && request.score == null) {
            problems.add(new Problem.Violation("liked", "give one of liked (true/false) or score (-1 to 1)"));
        }
        if (request.score != null && !Double.isFinite(request.score)) {
            problems.add(new Problem.Violation("score", "must be a finite number"));
        }
        if (!problems.isEmpty()) {
            String detail = problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; "));
            throw new ProblemException(ProblemKind.INVALID_REQUEST, detail, problems, null);
        }
    }

    /**
     * A valid token is enough (the image may not have reached the join's store yet; the join waits
     * for it), unless the store knows the image as another user's. An invalid token is 403 if the
     * image is known or this instance cannot tell, 404 if the image is known not to exist.
     */
    private void checkToken(FeedbackRequest request) {
        boolean valid = tokens.verify(request.token, request.userId, request.imageId);
        ImageDirectory.Lookup lookup = images.lookup(request.imageId);
        if (valid) {
            if (lookup instanceof ImageDirectory.Lookup.Known known && !known.userId().equals(request.userId)) {
                throw new ProblemException(ProblemKind.TOKEN_REJECTED,
                        "image " + request.imageId + " was not generated for user " + request.userId);
            }
            return;
        }
        if (lookup instanceof ImageDirectory.Lookup.Unknown) {
            throw new ProblemException(ProblemKind.IMAGE_UNKNOWN, "no image " + request.imageId + " is known");
        }
        throw new ProblemException(ProblemKind.TOKEN_REJECTED,
                "the token is not valid for user " + request.userId + " and image " + request.imageId);
    }
}
