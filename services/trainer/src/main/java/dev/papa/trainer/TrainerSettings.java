package dev.papa.trainer;

import dev.papa.engine.papa.PapaSettings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the {@link TrainingLoop} needs besides the model: Kafka endpoints and ids, the
 * round policy, the PAPA settings and the loop's timeouts. Plain data, so a test can build a
 * loop without Quarkus; the service fills it from {@code application.properties}.
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param preferencesTopic    input: PreferenceExample keyed by user
 * @param adaptersTopic       output and state store: AdapterPublished keyed by user (compacted)
 * @param deadLetterTopic     undecodable, invalid or rejected examples
 * @param groupId             consumer group of all trainer instances
 * @param transactionalId     this instance's transactional.id: stable across restarts of the same
 *                            instance, so a restart fences the old producer and aborts its open
 *                            transaction at once
 * @param roundSize           examples per round (per user)
 * @param maxWait             a shorter round closes this long after its first example arrived
 * @param papa                the update's hyper-parameters (EPAPA iff {@code papa.epapaK() > 0})
 * @param pollTimeout         longest poll when no round is due
 * @param maxPollInterval     consumer max.poll.interval.ms: must exceed the longest update
 * @param transactionTimeout  producer transaction.timeout.ms: how long a dead instance's open
 *                            transaction can block readers before the broker aborts it
 * @param rebuildTimeout      longest wait for papa.adapters to be read to its end on assignment
 * @param commitInterval      offsets advanced without a round (duplicates, dead letters) are
 *                            committed at most this often
 * @param maxPendingExamples  buffered examples across all users above which fetching pauses
 * @param stallTimeout        the loop counts as stalled (not alive) after this long without progress
 * @param kafkaOverrides      extra client properties applied to consumer and producer
 */
public record TrainerSettings(String bootstrapServers, String preferencesTopic, String adaptersTopic,
                              String deadLetterTopic, String groupId, String transactionalId, int roundSize,
                              Duration maxWait, PapaSettings papa, Duration pollTimeout, Duration maxPollInterval,
                              Duration transactionTimeout, Duration rebuildTimeout, Duration commitInterval,
                              int maxPendingExamples, Duration stallTimeout, Map<String, Object> kafkaOverrides) {

    public static final String DEFAULT_GROUP_ID = "papa-trainer";

    public TrainerSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(preferencesTopic, "preferencesTopic");
        Objects.requireNonNull(adaptersTopic, "adaptersTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(transactionalId, "transactionalId");
        Objects.requireNonNull(papa, "papa");
        if (roundSize < 1) {
            throw new IllegalArgumentException("round size must be at least 1, got " + roundSize);
        }
        if (maxPendingExamples < roundSize) {
            throw new IllegalArgumentException("max pending examples (" + maxPendingExamples
                    + ") must be at least the round size (" + roundSize + ")");
        }
        for (Duration d : new Duration[] {maxWait, pollTimeout, maxPollInterval, transactionTimeout, rebuildTimeout,
                commitInterval, stallTimeout}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must be set and not negative");
            }
        }
        kafkaOverrides = Map.copyOf(kafkaOverrides);
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    public Builder toBuilder() {
        Builder b = new Builder(bootstrapServers);
        b.preferencesTopic = preferencesTopic;
        b.adaptersTopic = adaptersTopic;
        b.deadLetterTopic = deadLetterTopic;
        b.groupId = groupId;
        b.transactionalId = transactionalId;
        b.roundSize = roundSize;
        b.maxWait = maxWait;
        b.papa = papa;
        b.pollTimeout = pollTimeout;
        b.maxPollInterval = maxPollInterval;
        b.transactionTimeout = transactionTimeout;
        b.rebuildTimeout = rebuildTimeout;
        b.commitInterval = commitInterval;
        b.maxPendingExamples = maxPendingExamples;
        b.stallTimeout = stallTimeout;
        b.kafkaOverrides.putAll(kafkaOverrides);
        return b;
    }

    /** Defaults as in application.properties. */
    public static final class Builder {
        private final String bootstrapServers;
        private String preferencesTopic = "papa.preferences";
        private String adaptersTopic = "papa.adapters";
        private String deadLetterTopic = "papa.deadletter";
        private String groupId = DEFAULT_GROUP_ID;
        private String transactionalId = DEFAULT_GROUP_ID + "-local";
        private int roundSize = 10;
        private Duration maxWait = Duration.ofSeconds(30);
        private PapaSettings papa = PapaSettings.loraDefaults();
        private Duration pollTimeout = Duration.ofMillis(500);
        private Duration maxPollInterval = Duration.ofMinutes(10);
        private Duration transactionTimeout = Duration.ofMinutes(1);
        private Duration rebuildTimeout = Duration.ofMinutes(3);
        private Duration commitInterval = Duration.ofSeconds(1);
        private int maxPendingExamples = 10_000;
        private Duration stallTimeout = Duration.ofMinutes(15);
        private final Map<String, Object> kafkaOverrides = new LinkedHashMap<>();

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public Builder topics(String preferences, String adapters, String deadLetter) {
            this.preferencesTopic = preferences;
            this.adaptersTopic = adapters;
            this.deadLetterTopic = deadLetter;
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder transactionalId(String transactionalId) {
            this.transactionalId = transactionalId;
            return this;
        }

        public Builder roundSize(int roundSize) {
            this.roundSize = roundSize;
            return this;
        }

        public Builder maxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        public Builder papa(PapaSettings papa) {
            this.papa = papa;
            return this;
        }

        public Builder pollTimeout(Duration pollTimeout) {
            this.pollTimeout = pollTimeout;
            return this;
        }

        public Builder maxPollInterval(Duration maxPollInterval) {
            this.maxPollInterval = maxPollInterval;
            return this;
        }

        public Builder transactionTimeout(Duration transactionTimeout) {
            this.transactionTimeout = transactionTimeout;
            return this;
        }

        public Builder rebuildTimeout(Duration rebuildTimeout) {
            this.rebuildTimeout = rebuildTimeout;
            return this;
        }

        public Builder commitInterval(Duration commitInterval) {
            this.commitInterval = commitInterval;
            return this;
        }

        public Builder maxPendingExamples(int maxPendingExamples) {
            this.maxPendingExamples = maxPendingExamples;
            return this;
        }

        public Builder stallTimeout(Duration stallTimeout) {
            this.stallTimeout = stallTimeout;
            return this;
        }

        public Builder kafka(String property, Object value) {
            this.kafkaOverrides.put(property, value);
            return this;
        }

        public TrainerSettings build() {
            return new TrainerSettings(bootstrapServers, preferencesTopic, adaptersTopic, deadLetterTopic, groupId,
                    transactionalId, roundSize, maxWait, papa, pollTimeout, maxPollInterval, transactionTimeout,
                    rebuildTimeout, commitInterval, maxPendingExamples, stallTimeout, kafkaOverrides);
        }
    }
}
