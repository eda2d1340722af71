package dev.papa.trainer;

import dev.papa.engine.papa.FeedbackExample;
import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.PartitionOffset;
import dev.papa.schemas.PreferenceExample;
import dev.papa.schemas.UpdateMetrics;

import io.micrometer.core.instrument.MeterRegistry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * The trainer's exactly-once loop, on its own thread: papa.preferences in, one PAPA/EPAPA update
 * per user round, papa.adapters out.
 *
 * <h2>Rounds</h2>
 * Examples are buffered per user in offset order. A user's round closes when it holds
 * {@code roundSize} examples, or {@code maxWait} after its first example arrived; the loop trains
 * one due round at a time (the one waiting longest) and polls in between.
 *
 * <h2>Exactly once</h2>
 * A round's AdapterPublished (version + 1, the applied feedback ids, and the user's high-water
 * mark: the next papa.preferences offset after the round's last example), the dead letters of
 * the round's rejected steps, and the consumer offsets commit in one Kafka transaction
 * ({@code sendOffsetsToTransaction} with the consumer's group metadata, so a fenced-out zombie
 * cannot commit). Rounds of different users interleave in a partition, so the committed offset of
 * a partition only advances to its earliest example still buffered; after a restart, examples
 * below that are read again, and the ones already applied are exactly those below their user's
 * high-water mark, which the new owner restores from papa.adapters with the adapter and
 * optimizer state before it reads any example. So every example is applied in exactly one
 * committed version. A failure anywhere (or a rebalance that revokes partitions) drops the
 * uncommitted work: the transaction aborts, nothing was published, the offsets were not moved.
 *
 * <p>Records that cannot be trained on (undecodable, invalid, or all steps rejected) go to the
 * dead-letter topic in the same kind of transaction as the offsets that pass them. Dead letters
 * are at-least-once: a restart that re-reads a bad record below a held-back offset sends it again.
 *
 * <p>Constructed with plain settings, so tests run it without Quarkus.
 */
public final class TrainingLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TrainingLoop.class);
    static final String SERVICE = "trainer";
    public static final String DLQ_REASON = "papa.dlq.reason";
    public static final String DLQ_SOURCE_TOPIC = "papa.dlq.source-topic";
    public static final String DLQ_SERVICE = "papa.dlq.service";
    public static final String DLQ_SOURCE_PARTITION = "papa.dlq.source-partition";
    public static final String DLQ_SOURCE_OFFSET = "papa.dlq.source-offset";

    /** Where the loop is. RUNNING: partitions assigned and their users' state rebuilt from Kafka. */
    public enum Status { STARTING, JOINING, REBUILDING, RUNNING, RESTARTING, STOPPED, KILLED }

    private final TrainerSettings settings;
    private final AdapterTrainer trainer;
    private final TrainerMetrics metrics;
    private final FaultHook faultHook;
    private final Map<String, UserView> views = new ConcurrentHashMap<>();
    private volatile Set<Integer> assigned = Set.of();
    private volatile int partitionCount = -1;
    private volatile Status status = Status.STARTING;
    private volatile long heartbeatNanos = System.nanoTime();
    private volatile String lastError;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> currentConsumer;
    private final AtomicLong sessions = new AtomicLong();
    private Thread thread;

    public TrainingLoop(TrainerSettings settings, AdapterTrainer trainer, MeterRegistry registry, FaultHook faultHook) {
        this.settings = settings;
        this.trainer = trainer;
        this.faultHook = faultHook;
        this.metrics = new TrainerMetrics(registry, views::size);
    }

    /** Starts the loop thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::run, "papa-trainer-loop");
        thread.setDaemon(true);
        // Avro resolves record classes through the context class loader: make it this code's
        // (under @QuarkusTest the starting thread's may be another copy of the schema classes).
        thread.setContextClassLoader(TrainingLoop.class.getClassLoader());
        thread.start();
    }

    /**
     * Stops the loop: a round being trained is finished and committed, then the clients close
     * (an open transaction, if any, is aborted).
     */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> consumer = currentConsumer;
        if (consumer != null) {
            consumer.wakeup();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Duration.ofMinutes(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until the loop thread has ended (after {@link #close()} or a simulated kill). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return true;
        }
        t.join(Math.max(1, timeout.toMillis()));
        return !t.isAlive();
    }

    public Status status() {
        return status;
    }

    public String lastError() {
        return lastError;
    }

    public TrainerMetrics metrics() {
        return metrics;
    }

    public TrainerSettings settings() {
        return settings;
    }

    /** Partitions of papa.preferences this instance owns now. */
    public Set<Integer> assignedPartitions() {
        return assigned;
    }

    /** Thread alive and making progress within the stall timeout. */
    public boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive() && running
                && System.nanoTime() - heartbeatNanos < settings.stallTimeout().toNanos();
    }

    /** Alive, partitions assigned and their state rebuilt from papa.adapters. */
    public boolean isReady() {
        return isAlive() && status == Status.RUNNING;
    }

    public long consumerLag() {
        return metrics.lag.get();
    }

    public long pendingExamples() {
        return metrics.pending.get();
    }

    /**
     * A user's state on this instance: their view if they have one; version 0 if their partition
     * is assigned here but they have no state yet; empty if another instance owns them.
     */
    public Optional<UserView> user(String userId) {
        UserView v = views.get(userId);
        if (v != null) {
            return Optional.of(v);
        }
        int count = partitionCount;
        if (count > 0) {
            int p = AdapterStateReader.partitionForKey(userId, count);
            if (assigned.contains(p)) {
                return Optional.of(new UserView(userId, p, 0, 0, 0, 0, null, Double.NaN));
            }
        }
        return Optional.empty();
    }

    private void run() {
        long backoffMillis = 500;
        try {
            while (running) {
                Session session = null;
                try {
                    session = new Session();
                    session.run();
                    backoffMillis = 500;
                } catch (FaultHook.Kill kill) {
                    LOG.warnf("simulated kill: %s", kill.getMessage());
                    if (session != null) {
                        session.kill();
                        session = null;
                    }
                    status = Status.KILLED;
                    running = false;
                    return;
                } catch (WakeupException e) {
                    if (running) {
                        LOG.warn("unexpected wakeup; restarting the session");
                    }
                } catch (RuntimeException | Error e) {
                    if (!running) {
                        break;
                    }
                    lastError = e.toString();
                    status = Status.RESTARTING;
                    metrics.restarted();
                    LOG.errorf(e, "training session failed; rebuilding from Kafka in %d ms", backoffMillis);
                } finally {
                    if (session != null) {
                        session.close();
                    }
                }
                if (running) {
                    sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 30_000);
                }
            }
        } finally {
            views.clear();
            assigned = Set.of();
            metrics.pending.set(0);
            if (status != Status.KILLED) {
                status = Status.STOPPED;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>(settings.kafkaOverrides());
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId());
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis());
        // papa.adapters accepts 8 MiB records (max.message.bytes): so must the producer.
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return c;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(settings.kafkaOverrides());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-consumer");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group must start at the beginning: nothing may be skipped.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) settings.maxPollInterval().toMillis());
        return c;
    }

    /**
     * One producer + consumer pair and the user state built for its assignment. Any failure ends
     * the session; the next one starts from what is committed in Kafka.
     */
    private final class Session implements ConsumerRebalanceListener, AutoCloseable {

        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, UserState> users = new HashMap<>();
        /** Next offset to read, per assigned partition. */
        private final Map<TopicPartition, Long> consumed = new HashMap<>();
        /** Offsets known committed for the group, per assigned partition. */
        private final Map<TopicPartition, Long> committed = new HashMap<>();
        private final List<DeadLetter> deadLetters = new ArrayList<>();
        private long lastCommitNanos = System.nanoTime();
        private boolean paused;

        Session() {
            long n = sessions.incrementAndGet();
            status = Status.STARTING;
            heartbeatNanos = System.nanoTime();
            KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                    new ByteArraySerializer());
            try {
                // Fences an older producer with this transactional.id and aborts its open transaction.
                p.initTransactions();
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
            try {
                consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
            } catch (RuntimeException e) {
                producer.close(Duration.ZERO);
                throw e;
            }
            currentConsumer = consumer;
            if (!running) {
                consumer.wakeup();
            }
            status = Status.JOINING;
            consumer.subscribe(List.of(settings.preferencesTopic()), this);
            LOG.infof("training session %d started (transactional.id %s, group %s)", n, settings.transactionalId(),
                    settings.groupId());
        }

        void run() {
            while (running) {
                heartbeatNanos = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : consumer.poll(pollTimeout())) {
                    accept(r);
                }
                observeConsumer();
                UserState due = nextDueRound();
                if (due != null) {
                    trainRound(due);
                } else if (!deadLetters.isEmpty() || (offsetsAdvanced()
                        && System.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos())) {
                    commit(null, List.of(), null, null);
                }
                applyBackpressure();
            }
        }

        private Duration pollTimeout() {
            long now = System.nanoTime();
            long wait = settings.pollTimeout().toNanos();
            for (UserState u : users.values()) {
                if (u.pendingCount() >= settings.roundSize()) {
                    return Duration.ZERO;
                }
                if (u.pendingCount() > 0) {
                    wait = Math.min(wait, u.roundStartedNanos() + settings.maxWait().toNanos() - now);
                }
            }
            return Duration.ofNanos(Math.max(0, wait));
        }

        /** The due round whose first example has waited longest, or null. */
        private UserState nextDueRound() {
            long now = System.nanoTime();
            UserState best = null;
            for (UserState u : users.values()) {
                int n = u.pendingCount();
                boolean due = n >= settings.roundSize()
                        || (n > 0 && now - u.roundStartedNanos() >= settings.maxWait().toNanos());
                if (due && (best == null || u.roundStartedNanos() < best.roundStartedNanos())) {
                    best = u;
                }
            }
            return best;
        }

        private void accept(ConsumerRecord<String, byte[]> r) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            consumed.put(tp, r.offset() + 1);
            metrics.consumed();
            PreferenceExample example;
            try {
                example = PapaSerdes.PREFERENCE_EXAMPLE.deserialize(r.topic(), r.value());
            } catch (SerializationException e) {
                deadLetter(tp, r, "undecodable", "undecodable PreferenceExample: " + e.getMessage());
                return;
            }
            if (example == null) {
                deadLetter(tp, r, "invalid", "null value: a PreferenceExample was expected");
                return;
            }
            String problem = validate(r.key(), example);
            if (problem != null) {
                deadLetter(tp, r, "invalid", problem);
                return;
            }
            UserState user = users.computeIfAbsent(example.getUserId(), id -> new UserState(id, tp));
            if (!user.partition.equals(tp)) {
                // The user's records moved partition (the topic was repartitioned): the high-water
                // mark is for the old partition, so only the feedback ids can tell duplicates.
                LOG.warnf("user %s: example on %s, state is for %s", user.userId, tp, user.partition);
            } else if (r.offset() < user.highWater) {
                metrics.duplicate();
                return;
            }
            if (user.knows(example.getFeedbackId())) {
                metrics.duplicate();
                return;
            }
            user.add(new UserState.Pending(r.offset(), example, System.nanoTime()));
            metrics.pending.incrementAndGet();
            views.put(user.userId, user.view());
        }

        private String validate(String key, PreferenceExample e) {
            if (e.getUserId() == null || e.getUserId().isBlank()) {
                return "userId is blank";
            }
            if (!e.getUserId().equals(key)) {
                return "record key '" + key + "' is not the example's userId '" + e.getUserId()
                        + "' (papa.preferences is keyed by user)";
            }
            if (e.getFeedbackId() == null || e.getFeedbackId().isBlank()) {
                return "feedbackId is blank";
            }
            float y = e.getValue();
            if (!(y >= -1f && y <= 1f)) {
                return "feedback value " + y + " is not in [-1, 1]";
            }
            int size = trainer.imageSize();
            if (e.getWidth() != size || e.getHeight() != size || trainer.imageChannels() != 1) {
                return "image is " + e.getWidth() + "x" + e.getHeight() + ", the model takes " + size + "x" + size
                        + " grey";
            }
            if (e.getPixels().remaining() != size * size) {
                return "image has " + e.getPixels().remaining() + " pixel bytes, expected " + size * size;
            }
            return null;
        }

        private void deadLetter(TopicPartition tp, ConsumerRecord<String, byte[]> r, String kind, String reason) {
            LOG.warnf("dead letter %s@%d: %s", tp, r.offset(), reason);
            deadLetters.add(new DeadLetter(tp, kind, deadLetterRecord(r.topic(), r.partition(), r.offset(), r.key(),
                    r.value(), reason)));
        }

        private void trainRound(UserState user) {
            List<UserState.Pending> round = user.peekRound(settings.roundSize());
            long version = user.version + 1;
            List<FeedbackExample> examples = new ArrayList<>(round.size());
            for (UserState.Pending p : round) {
                examples.add(new FeedbackExample(pixels(p.example()), p.example().getValue()));
            }
            long t0 = System.nanoTime();
            AdapterTrainer.Round result = trainer.train(user.userId, version, user.adapter, user.optimizerState, examples);
            heartbeatNanos = System.nanoTime();
            int applied = result.update().appliedCount();
            metrics.update(Duration.ofNanos(System.nanoTime() - t0), result.update());
            faultHook.afterUpdate(user.userId, version);

            List<String> appliedIds = new ArrayList<>(applied);
            List<ProducerRecord<String, byte[]>> rejected = new ArrayList<>();
            int liked = 0;
            for (int i = 0; i < round.size(); i++) {
                PreferenceExample e = round.get(i).example();
                if (result.update().applied()[i]) {
                    appliedIds.add(e.getFeedbackId());
                    liked += e.getValue() > 0 ? 1 : 0;
                } else {
                    LOG.warnf("user %s: the engine rejected the step of feedback %s (offset %d): non-finite",
                            user.userId, e.getFeedbackId(), round.get(i).offset());
                    rejected.add(deadLetterRecord(settings.preferencesTopic(), user.partition.partition(),
                            round.get(i).offset(), user.userId, PapaSerdes.PREFERENCE_EXAMPLE.serialize(null, e),
                            "the engine rejected this example's step: non-finite loss, gradient or weights"));
                }
            }
            long highWater = round.get(round.size() - 1).offset() + 1;
            // The round leaves the buffer now; if the transaction fails the session is dropped and
            // everything uncommitted is read again.
            user.removeRound(round.size());
            metrics.pending.addAndGet(-round.size());

            AdapterPublished record = null;
            if (applied > 0) {
                record = AdapterPublished.newBuilder()
                        .setUserId(user.userId)
                        .setVersion(version)
                        .setPublishedAt(Instant.now())
                        .setBaseModel(trainer.baseModelId())
                        .setAdapter(ByteBuffer.wrap(result.adapter()))
                        .setOptimizerState(ByteBuffer.wrap(result.optimizerState()))
                        .setTraining(trainer.trainingSettings())
                        .setFeedbackCount(user.feedbackCount + applied)
                        .setAppliedFeedbackIds(appliedIds)
                        .setInputOffsets(List.of(PartitionOffset.newBuilder()
                                .setTopic(user.partition.topic())
                                .setPartition(user.partition.partition())
                                .setOffset(highWater)
                                .build()))
                        .setMetrics(UpdateMetrics.newBuilder()
                                .setLoss((float) result.update().loss())
                                .setPreferenceLoss((float) result.update().preferenceLoss())
                                .setModelLoss((float) result.update().anchorLoss())
                                .setUpdateMillis(result.update().millis())
                                .setLikedShare((float) liked / applied)
                                .build())
                        .build();
            } else {
                LOG.warnf("user %s: every step of a %d-example round was rejected; no version published",
                        user.userId, round.size());
            }
            commit(record, rejected, user, result);
            // Committed: the user's state moves on.
            user.highWater = highWater;
            if (record != null) {
                user.version = version;
                user.feedbackCount = record.getFeedbackCount();
                user.adapter = result.adapter();
                user.optimizerState = result.optimizerState();
                user.publishedAt = record.getPublishedAt();
                user.lastLoss = result.update().loss();
                user.rememberApplied(appliedIds);
                metrics.published(applied);
                LOG.infof("user %s: version %d committed (%d feedbacks, loss %.5f, update %d ms, %d non-finite retries)",
                        user.userId, version, applied, result.update().loss(), result.update().millis(), result.update().retries());
            }
            views.put(user.userId, user.view());
        }

        /**
         * One transaction: the adapter (if any), the round's rejected examples and every buffered
         * dead letter, and the consumer offsets as far as they may advance.
         */
        private void commit(AdapterPublished adapter, List<ProducerRecord<String, byte[]>> rejected, UserState user,
                            AdapterTrainer.Round result) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committableOffsets();
            producer.beginTransaction();
            if (adapter != null) {
                producer.send(new ProducerRecord<>(settings.adaptersTopic(), adapter.getUserId(),
                        PapaSerdes.ADAPTER_PUBLISHED.serialize(settings.adaptersTopic(), adapter)));
            }
            for (ProducerRecord<String, byte[]> r : rejected) {
                producer.send(r);
            }
            List<DeadLetter> letters = List.copyOf(deadLetters);
            for (DeadLetter d : letters) {
                producer.send(d.record());
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            if (user != null) {
                producer.flush();
                faultHook.beforeCommit(user.userId, user.version + 1);
            }
            producer.commitTransaction();
            lastCommitNanos = System.nanoTime();
            deadLetters.removeAll(letters);
            for (DeadLetter d : letters) {
                metrics.deadLettered(d.kind());
            }
            for (int i = 0; i < rejected.size(); i++) {
                metrics.deadLettered("rejected");
            }
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        }

        /**
         * Per assigned partition: the earliest offset still buffered for some user, or the next
         * offset to read if nothing is buffered there. Only offsets that moved are returned.
         */
        private Map<TopicPartition, OffsetAndMetadata> committableOffsets() {
            Map<TopicPartition, Long> target = new HashMap<>(consumed);
            for (UserState u : users.values()) {
                long first = u.firstPendingOffset();
                if (first >= 0) {
                    target.merge(u.partition, first, Math::min);
                }
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            target.forEach((tp, offset) -> {
                Long done = committed.get(tp);
                if (consumed.containsKey(tp) && (done == null || offset > done)) {
                    offsets.put(tp, new OffsetAndMetadata(offset));
                }
            });
            return offsets;
        }

        private boolean offsetsAdvanced() {
            return !committableOffsets().isEmpty();
        }

        private void observeConsumer() {
            long lag = 0;
            for (TopicPartition tp : consumer.assignment()) {
                lag += consumer.currentLag(tp).orElse(0);
            }
            metrics.lag.set(lag);
            for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
                MetricName name = e.getKey();
                if ("records-lag-max".equals(name.name()) && "consumer-fetch-manager-metrics".equals(name.group())
                        && !name.tags().containsKey("topic")) {
                    Object v = e.getValue().metricValue();
                    if (v instanceof Number number && Double.isFinite(number.doubleValue())) {
                        metrics.lagMax.set(number.longValue());
                    }
                }
            }
        }

        private void applyBackpressure() {
            boolean full = metrics.pending.get() >= settings.maxPendingExamples();
            if (full && !paused) {
                consumer.pause(consumer.assignment());
                paused = true;
                LOG.infof("%d examples buffered: fetching paused", metrics.pending.get());
            } else if (!full && paused) {
                consumer.resume(consumer.paused());
                paused = false;
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        /** Pending rounds of lost partitions are dropped: their offsets were not committed, the next owner reads them. */
        private void drop(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> gone = new HashSet<>(partitions);
            for (Iterator<UserState> it = users.values().iterator(); it.hasNext(); ) {
                UserState u = it.next();
                if (gone.contains(u.partition)) {
                    metrics.pending.addAndGet(-u.pendingCount());
                    views.remove(u.userId);
                    it.remove();
                }
            }
            deadLetters.removeIf(d -> gone.contains(d.partition()));
            gone.forEach(tp -> {
                consumed.remove(tp);
                committed.remove(tp);
            });
            assigned = partitionsOf(consumed.keySet());
            paused = false;
            LOG.infof("partitions %s revoked", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                status = Status.RUNNING;
                return;
            }
            status = Status.REBUILDING;
            heartbeatNanos = System.nanoTime();
            // position() fetches the committed offsets; a read_committed consumer asks for stable
            // offsets, so this waits until a previous owner's open transaction has ended. Only then
            // is papa.adapters read: that transaction's adapter record is below the watermark.
            for (TopicPartition tp : partitions) {
                long position = consumer.position(tp);
                consumed.put(tp, position);
                committed.put(tp, position);
            }
            partitionCount = consumer.partitionsFor(settings.preferencesTopic()).size();
            Set<Integer> numbers = partitionsOf(partitions);
            Map<String, AdapterPublished> latest = AdapterStateReader.read(settings, numbers, partitionCount);
            for (AdapterPublished a : latest.values()) {
                int p = AdapterStateReader.inputPartition(a, settings.preferencesTopic(), partitionCount);
                UserState u = UserState.fromPublished(a, new TopicPartition(settings.preferencesTopic(), p));
                users.put(u.userId, u);
                views.put(u.userId, u.view());
            }
            metrics.rebuilt();
            assigned = partitionsOf(consumed.keySet());
            heartbeatNanos = System.nanoTime();
            status = Status.RUNNING;
            LOG.infof("partitions %s assigned at offsets %s; %d users restored", partitions, consumed, latest.size());
        }

        private Set<Integer> partitionsOf(Collection<TopicPartition> partitions) {
            Set<Integer> out = new TreeSet<>();
            partitions.forEach(tp -> out.add(tp.partition()));
            return Set.copyOf(out);
        }

        /** This session's state is gone with it; the next one rebuilds from Kafka. */
        private void forget() {
            currentConsumer = null;
            views.clear();
            assigned = Set.of();
            metrics.pending.set(0);
            metrics.lag.set(0);
        }

        /**
         * Like a killed process: the producer closes at once, without committing or aborting, so
         * the open transaction stays until a producer with the same transactional.id fences it
         * (or it times out). The consumer still leaves the group, which only saves the next
         * member the session timeout; it commits nothing (no auto-commit).
         */
        void kill() {
            currentConsumer = null;
            producer.close(Duration.ZERO);
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer of a killed session", e);
            }
            forget();
        }

        @Override
        public void close() {
            currentConsumer = null;
            try {
                producer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warn("closing the producer", e);
            }
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                LOG.warn("closing the consumer", e);
            }
            forget();
        }
    }

    private ProducerRecord<String, byte[]> deadLetterRecord(String topic, int partition, long offset, String key,
                                                           byte[] value, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DLQ_SOURCE_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(DLQ_SERVICE, SERVICE.getBytes(StandardCharsets.UTF_8));
        headers.add(DLQ_SOURCE_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        headers.add(DLQ_SOURCE_OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(settings.deadLetterTopic(), null, key, value, headers);
    }

    private static byte[] pixels(PreferenceExample e) {
        ByteBuffer b = e.getPixels().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A dead letter waiting for the next transaction, with the partition it came from. */
    private record DeadLetter(TopicPartition partition, String kind, ProducerRecord<String, byte[]> record) {
    }
}
