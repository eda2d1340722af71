package dev.papa.trainer;

import java.time.Instant;

/**
 * A read-only snapshot of one user's training state, published by the loop thread for the HTTP
 * API and health checks.
 *
 * @param partition     the papa.preferences partition the user's examples arrive on
 * @param version       latest committed adapter version (0 = none yet, the base model)
 * @param feedbackCount feedbacks applied to the adapter over its whole life
 * @param pending       examples buffered for the user's next round(s)
 * @param highWater     next papa.preferences offset after the last example applied to the user
 * @param publishedAt   when the latest version was published, or null
 * @param lastLoss      loss of the update that produced the latest version (NaN if none)
 */
public record UserView(String userId, int partition, long version, long feedbackCount, int pending, long highWater,
                       Instant publishedAt, double lastLoss) {
}
