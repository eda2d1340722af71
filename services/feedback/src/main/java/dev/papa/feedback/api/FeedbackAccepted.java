package dev.papa.feedback.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to an accepted feedback: it is in Kafka. */
@Schema(name = "FeedbackAccepted")
public record FeedbackAccepted(
        @Schema(description = "The feedback's id: the client's, or the one generated for it.") String feedbackId,
        @Schema(description = "Always \"accepted\".", examples = "accepted") String status) {

    public static FeedbackAccepted of(String feedbackId) {
        return new FeedbackAccepted(feedbackId, "accepted");
    }
}
