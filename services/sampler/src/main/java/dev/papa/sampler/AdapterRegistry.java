package dev.papa.sampler;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.PapaSerdes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each user's adapter version being served, and a bounded set of resident adapter weights.
 *
 * <p>Every user the adapter topic has named keeps a {@link ServedAdapter} (version, metadata and
 * the topic position of its record). Only the {@code papa.sampler.resident-adapters} most recently
 * used adapters keep their weights in memory; an evicted one is read again from its record on its
 * user's next request. Versions only move forward: an older or equal version is ignored.
 */
@ApplicationScoped
public class AdapterRegistry {

    private static final Logger LOG = Logger.getLogger(AdapterRegistry.class);

    /** Weights of one adapter version. */
    private record Resident(long version, Checkpoint weights) {
    }

    /** The adapter's record could not be read back from the topic. */
    public static class AdapterUnavailableException extends RuntimeException {
        public AdapterUnavailableException(String message) {
            super(message);
        }
    }

    @ConfigProperty(name = "papa.sampler.resident-adapters")
    int capacity;
    @ConfigProperty(name = "papa.sampler.reread-timeout")
    Duration rereadTimeout;

    @Inject
    GenerationEngine engine;
    @Inject
    KafkaClients kafka;
    @Inject
    MeterRegistry registry;
    @Inject
    AdapterEvents events;

    private final Map<String, ServedAdapter> served = new ConcurrentHashMap<>();
    private Map<String, Resident> resident;
    private Timer rereads;

    @PostConstruct
    void init() {
        if (capacity < 1) {
            throw new IllegalArgumentException("papa.sampler.resident-adapters must be at least 1, got " + capacity);
        }
        resident = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Resident> eldest) {
                return size() > capacity;
            }
        };
        Gauge.builder("papa.adapters.resident", this, r -> r.residentCount())
                .description("Users whose adapter weights are held in memory")
                .register(registry);
        Gauge.builder("papa.adapters.users", served, Map::size)
                .description("Users with a published adapter version being served")
                .register(registry);
        rereads = reloadTimer(registry, "reread");
    }

    /** Timer of the time to make one adapter version usable (decode, check, load). */
    static Timer reloadTimer(MeterRegistry registry, String source) {
        return Timer.builder("papa.adapter.reload")
                .description("Time to read, check and load one adapter version")
                .tag("source", source)
                .register(registry);
    }

    /** The version served for {@code userId}: its latest good published version, or version 0. */
    public ServedAdapter current(String userId) {
        ServedAdapter adapter = served.get(userId);
        return adapter != null ? adapter : ServedAdapter.initial(userId, engine.baseModelId());
    }

    /** Whether {@code version} would replace what is served for {@code userId}. */
    public boolean isNewer(String userId, long version) {
        ServedAdapter adapter = served.get(userId);
        return adapter == null || version > adapter.version();
    }

    /**
     * Serves {@code next} (already checked) from now on, unless a version at least as new is
     * served already. New requests see either the old or the new version, never a mix. Open
     * adapter event streams hear of the swap after it happened (outside the lock).
     */
    public boolean offer(ServedAdapter next, Checkpoint weights) {
        synchronized (this) {
            if (!isNewer(next.userId(), next.version())) {
                return false;
            }
            synchronized (resident) {
                resident.put(next.userId(), new Resident(next.version(), weights));
            }
            served.put(next.userId(), next);
        }
        events.swapped(next);
        return true;
    }

    /** A tombstone: the user's adapters were deleted, so the user is back to the base model. */
    public void forget(String userId) {
        synchronized (this) {
            served.remove(userId);
            synchronized (resident) {
                resident.remove(userId);
            }
        }
        events.swapped(current(userId));
    }

    /**
     * The weights of {@code adapter} (null for version 0): resident ones, or read again from the
     * adapter's record on the topic when they were evicted.
     */
    public Checkpoint weights(ServedAdapter adapter) {
        if (adapter.isBase()) {
            return null;
        }
        synchronized (resident) {
            Resident r = resident.get(adapter.userId());
            if (r != null && r.version() == adapter.version()) {
                return r.weights();
            }
        }
        long start = System.nanoTime();
        Checkpoint weights = reread(adapter);
        rereads.record(Duration.ofNanos(System.nanoTime() - start));
        synchronized (this) {
            ServedAdapter now = served.get(adapter.userId());
            if (now != null && now.version() == adapter.version()) {
                synchronized (resident) {
                    resident.put(adapter.userId(), new Resident(adapter.version(), weights));
                }
            }
        }
        return weights;
    }

    private Checkpoint reread(ServedAdapter adapter) {
        LOG.debugf("re-reading adapter %s v%d from %s@%d", adapter.userId(), adapter.version(), adapter.partition(),
                adapter.offset());
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.rawConsumer("papa-sampler-reread")) {
            consumer.assign(List.of(adapter.partition()));
            consumer.seek(adapter.partition(), adapter.offset());
            long deadline = System.nanoTime() + rereadTimeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < adapter.offset()) {
                        continue;
                    }
                    if (record.offset() != adapter.offset() || record.value() == null) {
                        throw new AdapterUnavailableException("the record of adapter " + adapter.userId() + " v"
                                + adapter.version() + " is no longer on " + adapter.partition());
                    }
                    AdapterPublished published = PapaSerdes.ADAPTER_PUBLISHED.deserialize(record.topic(), record.value());
                    if (!adapter.userId().equals(published.getUserId()) || published.getVersion() != adapter.version()) {
                        throw new AdapterUnavailableException("the record at " + adapter.partition() + "@"
                                + adapter.offset() + " is not adapter " + adapter.userId() + " v" + adapter.version());
                    }
                    return Checkpoint.fromBytes(bytes(published.getAdapter()));
                }
            }
            throw new AdapterUnavailableException("adapter " + adapter.userId() + " v" + adapter.version()
                    + " could not be read again from " + adapter.partition() + " within " + rereadTimeout);
        } catch (AdapterUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AdapterUnavailableException("adapter " + adapter.userId() + " v" + adapter.version()
                    + " could not be read again: " + e.getMessage());
        }
    }

    int servedCount() {
        return served.size();
    }

    int residentCount() {
        synchronized (resident) {
            return resident.size();
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static String text(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}
