package dev.papa.feedback.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * What the join topology needs to know: its topics and its time limits.
 *
 * @param imagesTopic       ImageGenerated records, key = imageId ({@code papa.topics.images})
 * @param feedbackTopic     FeedbackGiven records, key = imageId ({@code papa.topics.feedback})
 * @param preferencesTopic  PreferenceExample output, key = userId ({@code papa.topics.preferences})
 * @param deadLetterTopic   records that cannot be joined, with the reason ({@code papa.topics.dead-letter})
 * @param joinTimeout       how long a feedback waits for its image before it is dead-lettered
 * @param retryInterval     how often (wall-clock) waiting feedback is looked up again
 * @param imageRetention    how long an image stays in the store, counted from its {@code createdAt}
 * @param dedupeRetention   how long a feedback id is remembered, counted from when it was first seen
 * @param purgeInterval     how often (wall-clock) expired images and feedback ids are removed
 */
public record JoinSettings(
        String imagesTopic,
        String feedbackTopic,
        String preferencesTopic,
        String deadLetterTopic,
        Duration joinTimeout,
        Duration retryInterval,
        Duration imageRetention,
        Duration dedupeRetention,
        Duration purgeInterval) {

    /** The value of the {@code papa.dlq.service} header on this service's dead letters. */
    public static final String SERVICE_NAME = "papa-feedback";

    public JoinSettings {
        Objects.requireNonNull(imagesTopic, "imagesTopic");
        Objects.requireNonNull(feedbackTopic, "feedbackTopic");
        Objects.requireNonNull(preferencesTopic, "preferencesTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        if (imagesTopic.equals(feedbackTopic)) {
            throw new IllegalArgumentException("the images and feedback topics must differ, both are " + imagesTopic);
        }
        positive(joinTimeout, "joinTimeout");
        positive(retryInterval, "retryInterval");
        positive(imageRetention, "imageRetention");
        positive(dedupeRetention, "dedupeRetention");
        positive(purgeInterval, "purgeInterval");
    }

    /** The defaults: the PAPA topic names, 30 s join timeout, 1 s retry, 24 h retention, 1 min purge. */
    public static JoinSettings defaults() {
        return new JoinSettings("papa.images", "papa.feedback", "papa.preferences", "papa.deadletter",
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofHours(24),
                Duration.ofMinutes(1));
    }

    public JoinSettings withJoinTimeout(Duration timeout) {
        return new JoinSettings(imagesTopic, feedbackTopic, preferencesTopic, deadLetterTopic, timeout,
                retryInterval, imageRetention, dedupeRetention, purgeInterval);
    }

    public JoinSettings withRetention(Duration images, Duration feedbackIds) {
        return new JoinSettings(imagesTopic, feedbackTopic, preferencesTopic, deadLetterTopic, joinTimeout,
                retryInterval, images, feedbackIds, purgeInterval);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
