package dev.papa.sampler;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.CheckpointException;
import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.Algorithm;
import dev.papa.schemas.PapaSerdes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Hot reload: reads every AdapterPublished of the adapter topic, from the beginning, without a
 * consumer group (every sampler instance needs every user's adapter), and swaps each good new
 * version in. A bad adapter is rejected (log line, {@code papa_adapters_rejected_total{reason}})
 * and the user's last good version keeps serving; records that cannot be decoded at all also go to
 * the dead-letter topic.
 */
@ApplicationScoped
public class AdapterConsumer {

    private static final Logger LOG = Logger.getLogger(AdapterConsumer.class);
    static final String SERVICE = "papa-sampler";

    /** Why an adapter record was rejected: the {@code reason} tag of the rejection counter. */
    enum Rejection {
        /** Not an AdapterPublished of any known schema version (also dead-lettered). */
        UNDECODABLE("undecodable"),
        /** The adapter bytes are no valid checkpoint: bad checksum, truncated, other format. */
        CORRUPT("corrupt"),
        /** The adapter belongs to another base model than the one this instance serves. */
        BASE_MODEL("base-model"),
        /** The checkpoint does not fit the model (kind, rank, shapes), holds non-finite values, or the record is inconsistent. */
        INVALID("invalid");

        final String tag;

        Rejection(String tag) {
            this.tag = tag;
        }
    }

    @ConfigProperty(name = "papa.topics.adapters")
    String adaptersTopic;
    @ConfigProperty(name = "papa.topics.dead-letter")
    String deadLetterTopic;

    @Inject
    KafkaClients kafka;
    @Inject
    AdapterRegistry adapters;
    @Inject
    GenerationEngine engine;
    @Inject
    MeterRegistry registry;

    private final Map<Rejection, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private Counter loaded;
    private Timer reloads;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> deadLetters;

    void start(@Observes @Priority(20) StartupEvent event) {
        loaded = Counter.builder("papa.adapters.loaded")
                .description("Adapter versions checked and swapped in")
                .register(registry);
        for (Rejection r : Rejection.values()) {
            rejected.put(r, Counter.builder("papa.adapters.rejected")
                    .description("Adapter records rejected, by reason")
                    .tag("reason", r.tag)
                    .register(registry));
        }
        reloads = AdapterRegistry.reloadTimer(registry, "topic");
        Gauge.builder("papa.adapters.consumer.lag", lag, l -> l.values().stream().mapToLong(Long::longValue).sum())
                .description("Adapter records not yet read by this instance (sum over partitions)")
                .register(registry);
        running = true;
        thread = new Thread(this::run, "papa-adapter-consumer");
        thread.setDaemon(true);
        // Avro resolves the generated record classes through the context class loader.
        thread.setContextClassLoader(AdapterConsumer.class.getClassLoader());
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (deadLetters != null) {
                deadLetters.close(Duration.ofSeconds(5));
                deadLetters = null;
            }
        }
    }

    /** The consumer thread is running (liveness). */
    public boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Every adapter record that was on the topic when this instance started has been read. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = kafka.rawConsumer(SERVICE + "-adapters")) {
                consumer = c;
                List<TopicPartition> partitions = partitions(c);
                if (partitions.isEmpty()) {
                    continue;
                }
                c.assign(partitions);
                c.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = c.endOffsets(partitions);
                LOG.infof("reading %s from the beginning: %d partitions, %d records to catch up on", adaptersTopic,
                        partitions.size(), end.values().stream().mapToLong(Long::longValue).sum());
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(500))) {
                        handle(record);
                    }
                    for (TopicPartition tp : partitions) {
                        OptionalLong l = c.currentLag(tp);
                        if (l.isPresent()) {
                            lag.put(tp, l.getAsLong());
                        }
                    }
                    if (!caughtUp && partitions.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                        caughtUp = true;
                        LOG.infof("caught up with %s: %d users with adapters", adaptersTopic, adapters.servedCount());
                    }
                }
            } catch (WakeupException e) {
                if (running) {
                    LOG.warn("adapter consumer woken up unexpectedly; restarting it");
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "adapter consumer failed; restarting it in 2 s (the last good versions keep serving)");
                pause(2000);
            } finally {
                consumer = null;
            }
        }
    }

    /** The adapter topic's partitions, once the topic exists and the broker answers. */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
        while (running) {
            try {
                List<PartitionInfo> infos = c.partitionsFor(adaptersTopic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                LOG.warnf("topic %s does not exist yet; waiting for it", adaptersTopic);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warnf("Kafka does not answer (%s); waiting", e.getMessage());
            }
            pause(1000);
        }
        return List.of();
    }

    void handle(ConsumerRecord<byte[], byte[]> record) {
        long start = System.nanoTime();
        String key = AdapterRegistry.text(record.key());
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (record.value() == null) {
            if (key != null) {
                adapters.forget(key);
                LOG.infof("tombstone for user %s at %s: back to the base model", key, where);
            }
            return;
        }
        AdapterPublished published;
        try {
            published = PapaSerdes.ADAPTER_PUBLISHED.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            String reason = "not a readable AdapterPublished: " + e.getMessage();
            reject(Rejection.UNDECODABLE, key, -1, where, reason);
            deadLetter(record, reason);
            return;
        }
        String userId = published.getUserId();
        long version = published.getVersion();
        if (key != null && !key.equals(userId)) {
            reject(Rejection.INVALID, userId, version, where, "record key " + key + " is not its user " + userId);
            return;
        }
        if (version < 1) {
            reject(Rejection.INVALID, userId, version, where, "published versions start at 1");
            return;
        }
        if (!adapters.isNewer(userId, version)) {
            LOG.debugf("adapter %s v%d at %s ignored: a version at least as new is served", userId, version, where);
            return;
        }
        if (!engine.baseModelId().equals(published.getBaseModel())) {
            reject(Rejection.BASE_MODEL, userId, version, where, "trained on base model " + published.getBaseModel()
                    + ", this instance serves " + engine.baseModelId());
            return;
        }
        int adaptedFrom = published.getTraining().getAlgorithm() == Algorithm.EPAPA ? published.getTraining().getEpapaK() : 0;
        if (adaptedFrom < 0 || adaptedFrom >= 1000) {
            reject(Rejection.INVALID, userId, version, where, "EPAPA k " + adaptedFrom + " is outside 0..999");
            return;
        }
        Checkpoint weights;
        try {
            weights = Checkpoint.fromBytes(AdapterRegistry.bytes(published.getAdapter()));
        } catch (CheckpointException e) {
            reject(Rejection.CORRUPT, userId, version, where, e.getMessage());
            return;
        }
        try {
            engine.validate(userId, version, weights);
        } catch (CheckpointException e) {
            Rejection reason = e.getMessage() != null && e.getMessage().contains("base model")
                    ? Rejection.BASE_MODEL : Rejection.INVALID;
            reject(reason, userId, version, where, e.getMessage());
            return;
        }
        ServedAdapter next = new ServedAdapter(userId, version, published.getPublishedAt(), published.getBaseModel(),
                published.getFeedbackCount(), adaptedFrom, new TopicPartition(record.topic(), record.partition()),
                record.offset());
        if (adapters.offer(next, weights)) {
            loaded.increment();
            reloads.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            LOG.infof("adapter %s v%d (%d feedbacks) from %s now serving", userId, version, next.feedbackCount(), where);
        }
    }

    private void reject(Rejection reason, String userId, long version, String where, String detail) {
        rejected.get(reason).increment();
        LOG.warnf("adapter record %s rejected (%s) for user %s v%d: %s; the last good version keeps serving", where,
                reason.tag, userId, version, detail);
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value());
        out.headers().add("papa.dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
        out.headers().add("papa.dlq.source-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        out.headers().add("papa.dlq.service", SERVICE.getBytes(StandardCharsets.UTF_8));
        out.headers().add("papa.dlq.source-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        out.headers().add("papa.dlq.source-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        try {
            deadLetterProducer().send(out).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.errorf(e, "could not dead-letter adapter record %s-%d@%d", record.topic(), record.partition(), record.offset());
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> deadLetterProducer() {
        if (deadLetters == null) {
            deadLetters = kafka.producer(SERVICE + "-deadletter", new ByteArraySerializer(), new ByteArraySerializer());
        }
        return deadLetters;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
