package dev.papa.trainer;

/**
 * Test seam: called by the {@link TrainingLoop} at the two points where a crash matters most.
 * Production uses {@link #NONE}.
 *
 * <p>A hook that throws {@link Kill} makes the loop behave as if its process were killed at that
 * point: it closes its producer without committing or aborting the open transaction (which stays
 * open on the broker until a new producer with the same transactional.id fences it, or the
 * transaction times out), and its thread ends. Any other exception is an ordinary failure: the
 * loop aborts, rebuilds its state from Kafka and goes on.
 */
public interface FaultHook {

    FaultHook NONE = new FaultHook() {
    };

    /** After the engine update of a round, before its transaction begins. */
    default void afterUpdate(String userId, long version) {
    }

    /**
     * After the round's adapter, dead letters and input offsets were sent in the open transaction
     * (and flushed to the broker), before {@code commitTransaction}.
     */
    default void beforeCommit(String userId, long version) {
    }

    /** Thrown by a hook to simulate the process being killed. */
    final class Kill extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Kill(String message) {
            super(message);
        }
    }
}
