package dev.papa.engine.checkpoint;

/** A checkpoint that cannot be used: truncated, altered, of another kind or another model. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
