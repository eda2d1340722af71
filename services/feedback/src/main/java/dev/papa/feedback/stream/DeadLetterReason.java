package dev.papa.feedback.stream;

/**
 * Why a record went to the dead-letter topic. The {@link #tag()} is the {@code reason} tag of the
 * {@code papa.feedback.deadlettered} metric (few values); the {@code papa.dlq.reason} header
 * carries a human-readable sentence with the details.
 */
public enum DeadLetterReason {
    /** A papa.images value that is not a single-object encoded ImageGenerated. */
    UNDECODABLE_IMAGE("undecodable-image"),
    /** An ImageGenerated that decodes but cannot be used (pixel count, sizes, key). */
    INVALID_IMAGE("invalid-image"),
    /** A papa.feedback value that is not a single-object encoded FeedbackGiven. */
    UNDECODABLE_FEEDBACK("undecodable-feedback"),
    /** A FeedbackGiven that decodes but cannot be used (value out of range, key). */
    INVALID_FEEDBACK("invalid-feedback"),
    /** The feedback's user is not the user the image was generated for. */
    USER_MISMATCH("user-mismatch"),
    /** The image did not arrive within the join timeout. */
    JOIN_TIMEOUT("join-timeout");

    private final String tag;

    DeadLetterReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
