package dev.papa.feedback;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code papa.feedback.*}: the join's time limits and the HTTP path's wait for Kafka. */
@ConfigMapping(prefix = "papa.feedback")
public interface FeedbackConfig {

    /** How long a feedback waits for its image before it goes to the dead letters. */
    @WithDefault("30s")
    Duration joinTimeout();

    /** How often (wall-clock) waiting feedback is looked up again. */
    @WithDefault("1s")
    Duration retryInterval();

    /** How long an image stays in the join's store, counted from its createdAt. */
    @WithDefault("24h")
    Duration imageRetention();

    /**
     * How long a feedbackId is remembered for deduplication, counted from when it was first seen.
     * Keep it at least {@link #imageRetention()}: then a repeat that comes after its id was forgotten
     * finds no image either, and is dead-lettered instead of applied twice.
     */
    @WithDefault("24h")
    Duration dedupeRetention();

    /** How often (wall-clock) expired images and feedback ids are removed from the stores. */
    @WithDefault("1m")
    Duration purgeInterval();

    /** How long {@code POST /api/v1/feedback} waits for Kafka to acknowledge before it answers 503. */
    @WithDefault("10s")
    Duration sendTimeout();
}
