package dev.papa.feedback.stream;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The join's meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@value #EMITTED} counter: PreferenceExamples written [papa_feedback_preferences_emitted_total];</li>
 *   <li>{@value #DEAD_LETTERED} counter, tag {@code reason} ({@link DeadLetterReason#tag()})
 *       [papa_feedback_deadlettered_total];</li>
 *   <li>{@value #DUPLICATES} counter: feedback ids seen before, dropped [papa_feedback_duplicates_total];</li>
 *   <li>{@value #PARKED} counter: feedback that arrived before its image and had to wait
 *       [papa_feedback_join_parked_total];</li>
 *   <li>{@value #JOIN_WAIT} timer: from a feedback's arrival to its PreferenceExample (0 when
 *       the image was already there) [papa_feedback_join_wait_seconds_*].</li>
 * </ul>
 */
public final class JoinMetrics {

    public static final String EMITTED = "papa.feedback.preferences.emitted";
    public static final String DEAD_LETTERED = "papa.feedback.deadlettered";
    public static final String DUPLICATES = "papa.feedback.duplicates";
    public static final String PARKED = "papa.feedback.join.parked";
    public static final String JOIN_WAIT = "papa.feedback.join.wait";

    private final Counter emitted;
    private final Counter duplicates;
    private final Counter parked;
    private final Timer joinWait;
    private final Map<DeadLetterReason, Counter> deadLettered = new EnumMap<>(DeadLetterReason.class);

    public JoinMetrics(MeterRegistry registry) {
        emitted = Counter.builder(EMITTED).description("PreferenceExamples written to the preferences topic")
                .register(registry);
        duplicates = Counter.builder(DUPLICATES).description("Feedback records dropped because their feedbackId was seen before")
                .register(registry);
        parked = Counter.builder(PARKED).description("Feedback records that arrived before their image and had to wait")
                .register(registry);
        joinWait = Timer.builder(JOIN_WAIT).description("Time from a feedback's arrival to its PreferenceExample")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettered.put(reason, Counter.builder(DEAD_LETTERED).tag("reason", reason.tag())
                    .description("Records sent to the dead-letter topic").register(registry));
        }
    }

    void emitted(long waitedMillis) {
        emitted.increment();
        joinWait.record(Duration.ofMillis(Math.max(0, waitedMillis)));
    }

    void deadLettered(DeadLetterReason reason) {
        deadLettered.get(reason).increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void parked() {
        parked.increment();
    }
}
