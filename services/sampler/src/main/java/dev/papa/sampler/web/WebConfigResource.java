package dev.papa.sampler.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The settings of the web page (index.html, served from META-INF/resources): where the feedback
 * API is, and the round settings, so that one round of the page is one round of the trainer.
 */
@Path("/api/v1/web/config")
@Tag(name = "web page")
public class WebConfigResource {

    /** The page's settings. */
    @Schema(name = "WebConfig", description = "Settings of the personalization web page.")
    public record WebConfig(
            @Schema(description = "Base URL of the feedback service, as the browser reaches it") String feedbackUrl,
            @Schema(description = "Images per round (the trainer's round size)") int imagesPerRound,
            @Schema(description = "DDIM steps per image") int steps,
            @Schema(description = "Seconds after sending a round before the page says the update is late") long updateTimeoutSeconds) {
    }

    @Inject
    WebSettings settings;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Settings of the web page", description = "Where the feedback API is, and the round settings.")
    public WebConfig config() {
        String url = settings.feedbackUrl().replaceAll("/+$", "");
        return new WebConfig(url, settings.imagesPerRound(), settings.steps(), settings.updateTimeout().toSeconds());
    }
}
