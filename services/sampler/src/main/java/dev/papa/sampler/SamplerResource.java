package dev.papa.sampler;

import dev.papa.engine.image.PngImages;
import dev.papa.sampler.api.AdapterInfo;
import dev.papa.sampler.api.GenerateRequest;
import dev.papa.sampler.api.GeneratedImages;
import dev.papa.sampler.api.Problem;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The sampler's HTTP API. */
@Path("/api/v1")
@Tag(name = "sampler", description = "Images generated with each user's personalized model")
public class SamplerResource {

    /** What a user id may look like (also checked by the feedback service). */
    public static final String USER_ID = "[A-Za-z0-9._-]{1,64}";
    static final String USER_ID_MESSAGE = "must be 1 to 64 characters of A-Z a-z 0-9 . _ -";

    @ConfigProperty(name = "papa.sampler.png-scale")
    int pngScale;

    @Inject
    ImageService images;
    @Inject
    ImageStore store;
    @Inject
    AdapterRegistry adapters;

    @POST
    @Path("/users/{userId}/images")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Generate images for a user",
            description = "Samples images with the user's latest adapter (the base model, version 0, for a new user), "
                    + "publishes one ImageGenerated record per image to papa.images and answers once Kafka has "
                    + "acknowledged all of them. Each image comes with a token for the feedback service.")
    @APIResponse(responseCode = "201", description = "Images generated and published",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GeneratedImages.class)))
    @APIResponse(responseCode = "400", description = "Invalid user id or body; nothing generated",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body too large",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not take the images, or the adapter could not be read",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response generate(
            @Parameter(description = "User id: 1 to 64 characters of A-Z a-z 0-9 . _ -")
            @PathParam("userId") @Pattern(regexp = USER_ID, message = USER_ID_MESSAGE) String userId,
            @Valid GenerateRequest request) {
        GeneratedImages generated = images.generate(userId, request != null ? request : GenerateRequest.defaults());
        return Response.status(Response.Status.CREATED).entity(generated).build();
    }

    @GET
    @Path("/images/{id}")
    @Produces("image/png")
    @Operation(summary = "An image as PNG", description = "Served from a bounded store of recently generated images.")
    @APIResponse(responseCode = "200", description = "The PNG", content = @Content(mediaType = "image/png"))
    @APIResponse(responseCode = "404", description = "Unknown (or no longer kept) image",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response image(@Parameter(description = "Image id") @PathParam("id") String id) {
        ImageStore.StoredImage image = store.get(id)
                .orElseThrow(() -> new NotFoundException("no image " + id + " here (unknown, or no longer kept)"));
        byte[] png = PngImages.png(image.pixels(), image.height(), image.width(), pngScale);
        return Response.ok(png, "image/png").header("Cache-Control", "private, max-age=86400, immutable").build();
    }

    @GET
    @Path("/users/{userId}/adapter")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The adapter version served for a user",
            description = "Version 0 (the base model, no publication time) for a user nothing was published for.")
    @APIResponse(responseCode = "200", description = "The adapter served",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AdapterInfo.class)))
    @APIResponse(responseCode = "400", description = "Invalid user id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public AdapterInfo adapter(
            @Parameter(description = "User id: 1 to 64 characters of A-Z a-z 0-9 . _ -")
            @PathParam("userId") @Pattern(regexp = USER_ID, message = USER_ID_MESSAGE) String userId) {
        ServedAdapter a = adapters.current(userId);
        return new AdapterInfo(a.userId(), a.version(), a.publishedAt(), a.baseModel(), a.feedbackCount());
    }
}
