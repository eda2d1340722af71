package dev.papa.engine.oracle;

/** How a simulated user turns "liked" into the feedback value y ∈ [−1, 1] of the PAPA loss. */
public enum FeedbackMode {
    /** Full exploitation, the reference default: y = +1 liked, −1 otherwise. */
    BINARY,
    /** Positive only: y = 1 liked, 0 otherwise (disliked images then carry no update). */
    POSITIVE_ONLY,
    /** A rating: y = 2·P(preferred class) − 1 from the oracle's probabilities. */
    GRADED
}
