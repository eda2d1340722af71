package dev.papa.trainer;

import dev.papa.engine.papa.PapaUpdater;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The trainer's Micrometer meters (Prometheus names in brackets, at /q/metrics).
 *
 * <ul>
 *   <li>{@code papa.trainer.examples.consumed} [papa_trainer_examples_consumed_total]: records
 *       read from papa.preferences, re-reads after a restart included</li>
 *   <li>{@code papa.trainer.examples.duplicates} [papa_trainer_examples_duplicates_total]:
 *       examples skipped because they were already applied (offset below the user's high-water
 *       mark, or a feedback id seen again)</li>
 *   <li>{@code papa.trainer.examples.deadlettered} [..._total], tag {@code reason}
 *       (undecodable, invalid, rejected): records sent to papa.deadletter</li>
 *   <li>{@code papa.trainer.updates.applied} [papa_trainer_updates_applied_total]: engine updates
 *       (rounds) that applied at least one step</li>
 *   <li>{@code papa.trainer.updates.rejected} [papa_trainer_updates_rejected_total]: example steps
 *       the engine rejected (non-finite loss, gradient or weights)</li>
 *   <li>{@code papa.trainer.updates.retries} [papa_trainer_updates_retries_total]: times a round's
 *       gradient was accumulated again after a non-finite value (each repeats the round's work)</li>
 *   <li>{@code papa.trainer.update.duration} [papa_trainer_update_duration_seconds]: timer of
 *       one round's engine update</li>
 *   <li>{@code papa.trainer.adapters.published} [papa_trainer_adapters_published_total]: adapter
 *       versions committed to papa.adapters</li>
 *   <li>{@code papa.trainer.feedback.applied} [papa_trainer_feedback_applied_total]: feedbacks in
 *       committed versions</li>
 *   <li>{@code papa.trainer.loop.restarts} [papa_trainer_loop_restarts_total]: sessions that
 *       failed and were rebuilt from Kafka</li>
 *   <li>{@code papa.trainer.state.rebuilds} [papa_trainer_state_rebuilds_total]: partition
 *       assignments that rebuilt user state from papa.adapters</li>
 *   <li>gauges {@code papa.trainer.consumer.lag} (records behind the end of the assigned
 *       partitions, summed), {@code papa.trainer.consumer.records.lag.max} (the consumer's own
 *       records-lag-max), {@code papa.trainer.examples.pending} (buffered examples),
 *       {@code papa.trainer.users} (users with state on this instance)</li>
 * </ul>
 */
public final class TrainerMetrics {

    private final MeterRegistry registry;
    private final Counter consumed;
    private final Counter duplicates;
    private final Counter updatesApplied;
    private final Counter updatesRejected;
    private final Counter updateRetries;
    private final Timer updateDuration;
    private final Counter published;
    private final Counter feedbackApplied;
    private final Counter restarts;
    private final Counter rebuilds;
    final AtomicLong lag = new AtomicLong();
    final AtomicLong lagMax = new AtomicLong();
    final AtomicLong pending = new AtomicLong();

    public TrainerMetrics(MeterRegistry registry, Supplier<Number> users) {
        this.registry = registry;
        consumed = Counter.builder("papa.trainer.examples.consumed")
                .description("Records read from papa.preferences (re-reads after a restart included)").register(registry);
        duplicates = Counter.builder("papa.trainer.examples.duplicates")
                .description("Examples skipped because they were already applied").register(registry);
        updatesApplied = Counter.builder("papa.trainer.updates.applied")
                .description("Engine updates (rounds) that applied at least one step").register(registry);
        updatesRejected = Counter.builder("papa.trainer.updates.rejected")
                .description("Example steps rejected by the engine (non-finite loss, gradient or weights)").register(registry);
        updateRetries = Counter.builder("papa.trainer.updates.retries")
                .description("Rounds accumulated again after a non-finite loss or gradient").register(registry);
        updateDuration = Timer.builder("papa.trainer.update.duration")
                .description("Wall time of one round's PAPA/EPAPA update").register(registry);
        published = Counter.builder("papa.trainer.adapters.published")
                .description("Adapter versions committed to papa.adapters").register(registry);
        feedbackApplied = Counter.builder("papa.trainer.feedback.applied")
                .description("Feedbacks applied in committed adapter versions").register(registry);
        restarts = Counter.builder("papa.trainer.loop.restarts")
                .description("Training sessions that failed and were restarted from Kafka state").register(registry);
        rebuilds = Counter.builder("papa.trainer.state.rebuilds")
                .description("Partition assignments that rebuilt user state from papa.adapters").register(registry);
        Gauge.builder("papa.trainer.consumer.lag", lag, AtomicLong::get)
                .description("Records between the consumer position and the end of the assigned partitions")
                .register(registry);
        Gauge.builder("papa.trainer.consumer.records.lag.max", lagMax, AtomicLong::get)
                .description("The consumer's records-lag-max").register(registry);
        Gauge.builder("papa.trainer.examples.pending", pending, AtomicLong::get)
                .description("Examples buffered for rounds not yet trained").register(registry);
        Gauge.builder("papa.trainer.users", users, s -> s.get().doubleValue())
                .description("Users with training state on this instance").register(registry);
    }

    void consumed() {
        consumed.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void deadLettered(String reason) {
        Counter.builder("papa.trainer.examples.deadlettered")
                .description("Records sent to papa.deadletter")
                .tag("reason", reason).register(registry).increment();
    }

    void update(Duration duration, PapaUpdater.Result update) {
        updateDuration.record(duration);
        if (update.appliedCount() > 0) {
            updatesApplied.increment();
        }
        updatesRejected.increment(update.rejectedCount());
        updateRetries.increment(update.retries());
    }

    void published(int feedbacks) {
        published.increment();
        feedbackApplied.increment(feedbacks);
    }

    void restarted() {
        restarts.increment();
    }

    void rebuilt() {
        rebuilds.increment();
    }

    public double duplicates() {
        return duplicates.count();
    }

    public double publishedCount() {
        return published.count();
    }
}
