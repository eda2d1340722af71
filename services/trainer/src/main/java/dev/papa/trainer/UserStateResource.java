package dev.papa.trainer;

import jakarta.inject.Inject;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Read-only view of the training state this instance holds for a user. */
@Path("/api/v1/users")
@Tag(name = "training state")
public class UserStateResource {

    /** User ids as the other services mint them: letters, digits and . _ : @ -, at most 128. */
    static final String USER_ID = "[A-Za-z0-9._:@-]{1,128}";

    @Inject
    TrainerService service;

    /**
     * A user's training state on this instance.
     *
     * @param version       latest committed adapter version (0 = base model, nothing published yet)
     * @param feedbackCount feedbacks applied over the adapter's life
     * @param pending       examples buffered for the next round(s)
     * @param partition     papa.preferences partition of the user
     * @param highWater     next papa.preferences offset after the last example applied to the user
     */
    @Schema(name = "UserTrainingState")
    public record UserState(String userId, long version, long feedbackCount, int pending, int partition,
                            long highWater, Instant publishedAt, Double lastLoss) {
    }

    @GET
    @Path("/{userId}/state")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Training state of one user",
            description = "Version, lifetime feedback count and pending examples of the user's adapter. Answered "
                    + "by the trainer instance that owns the user's papa.preferences partition; others answer 404.")
    @APIResponse(responseCode = "200", description = "The user's state (version 0 if nothing was published yet)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserState.class)))
    @APIResponse(responseCode = "400", description = "Malformed user id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "This instance does not own the user's partition",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The training loop is not running (yet)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public UserState state(@PathParam("userId") @NotBlank @Size(max = 128)
                           @Pattern(regexp = USER_ID, message = "must match " + USER_ID) String userId) {
        TrainingLoop loop = service.loop().orElseThrow(() -> new ProblemException(503, "Training loop disabled",
                "papa.trainer.enabled is false on this instance"));
        UserView view = loop.user(userId).orElseThrow(() -> loop.status() == TrainingLoop.Status.RUNNING
                ? new ProblemException(404, "User not served here",
                        "user " + userId + " belongs to a papa.preferences partition this instance does not own "
                                + "(owned: " + loop.assignedPartitions() + ")")
                : new ProblemException(503, "Trainer not ready",
                        "the training loop is " + loop.status() + "; try again shortly"));
        return new UserState(view.userId(), view.version(), view.feedbackCount(), view.pending(), view.partition(),
                view.highWater(), view.publishedAt(), Double.isNaN(view.lastLoss()) ? null : view.lastLoss());
    }
}
