package dev.papa.sampler;

import dev.papa.sampler.api.AdapterEvent;
import dev.papa.sampler.api.Problem;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Server-sent events of the adapter versions served for a user: the web page's live view. */
@Path("/api/v1")
@Tag(name = "sampler")
public class AdapterEventsResource {

    @Inject
    AdapterEvents events;
    @Inject
    AdapterRegistry adapters;

    @GET
    @Path("/users/{userId}/adapter/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Stream the adapter versions served for a user",
            description = "text/event-stream: first the version served now, then one event each time this instance "
                    + "swaps in a newer version (or goes back to version 0 after a tombstone).")
    @APIResponse(responseCode = "200", description = "The stream; each event's data is an AdapterEvent")
    @APIResponse(responseCode = "400", description = "Invalid user id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Multi<AdapterEvent> adapterEvents(
            @Parameter(description = "User id: 1 to 64 characters of A-Z a-z 0-9 . _ -")
            @PathParam("userId") @Pattern(regexp = SamplerResource.USER_ID, message = SamplerResource.USER_ID_MESSAGE)
            String userId) {
        return events.of(userId, () -> adapters.current(userId));
    }
}
