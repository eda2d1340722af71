package dev.papa.sampler.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Answer to a generation request. */
@Schema(name = "GeneratedImages", description = "The images generated for one request, all with the same adapter version.")
public record GeneratedImages(
        @Schema(description = "The user the images were generated for") String userId,
        @Schema(description = "Adapter version that generated them (0 = the base model)") long adapterVersion,
        List<Image> images) {

    @Schema(name = "GeneratedImage", description = "One generated image and the token to give feedback on it.")
    public record Image(
            @Schema(description = "Image id (UUID)") String id,
            @Schema(description = "Where the PNG is served") String url,
            @Schema(description = "Adapter version that generated the image") long adapterVersion,
            @Schema(description = "Feedback token: proves to the feedback service that this user may rate this image") String token,
            @Schema(description = "Seed of the request's noise (shared by the images of one request)") long seed) {
    }
}
