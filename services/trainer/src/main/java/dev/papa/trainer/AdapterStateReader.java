package dev.papa.trainer;

import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.PartitionOffset;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Rebuilds user state from papa.adapters, the source of truth: reads every partition from the
 * beginning (read_committed) and keeps, per user of the given papa.preferences partitions, the
 * latest committed version.
 *
 * <p>"The end" is the high watermark taken when the read starts, read_uncommitted; the read
 * finishes only when the read_committed position has passed it, i.e. when every transaction that
 * was open at that moment has been committed or aborted. A previous owner's transaction can
 * therefore not slip in unseen: the caller first fetches the committed input offsets (which
 * waits for pending transactional offset commits), and by then that transaction's adapter record
 * is already in the log, below the watermark.
 */
final class AdapterStateReader {

    private static final Logger LOG = Logger.getLogger(AdapterStateReader.class);

    private AdapterStateReader() {
    }

    /**
     * The latest committed AdapterPublished of every user whose examples arrive on one of
     * {@code partitions} of the preferences topic.
     *
     * @param preferencePartitionCount partition count of the preferences topic, for records that
     *                                 name no input partition (then the key's hash decides)
     */
    static Map<String, AdapterPublished> read(TrainerSettings settings, Set<Integer> partitions,
                                              int preferencePartitionCount) {
        Map<String, AdapterPublished> latest = new HashMap<>();
        if (partitions.isEmpty()) {
            return latest;
        }
        long deadline = System.nanoTime() + settings.rebuildTimeout().toNanos();
        Map<String, Object> common = new HashMap<>(settings.kafkaOverrides());
        common.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        Map<String, Object> config = new HashMap<>(common);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-state-reader");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
             Admin admin = Admin.create(adminConfig(common))) {
            List<TopicPartition> tps = consumer.partitionsFor(settings.adaptersTopic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> end = highWatermarks(admin, tps, deadline);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            int records = 0;
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("papa.adapters was not readable to its end within "
                            + settings.rebuildTimeout() + " (an open transaction?)");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    AdapterPublished a = decode(r);
                    if (a == null) {
                        continue;
                    }
                    int partition = inputPartition(a, settings.preferencesTopic(), preferencePartitionCount);
                    if (!partitions.contains(partition)) {
                        continue;
                    }
                    AdapterPublished previous = latest.get(a.getUserId());
                    if (previous == null || a.getVersion() > previous.getVersion()) {
                        latest.put(a.getUserId(), a);
                    }
                }
            }
            LOG.infof("rebuilt %d users of %s partitions %s from %d records of %s", latest.size(),
                    settings.preferencesTopic(), partitions, records, settings.adaptersTopic());
        }
        return latest;
    }

    private static Map<String, Object> adminConfig(Map<String, Object> common) {
        Map<String, Object> admin = new HashMap<>();
        for (Map.Entry<String, Object> e : common.entrySet()) {
            if (org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(e.getKey())) {
                admin.put(e.getKey(), e.getValue());
            }
        }
        return admin;
    }

    private static Map<TopicPartition, Long> highWatermarks(Admin admin, List<TopicPartition> tps, long deadline) {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        tps.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    .forEach((tp, info) -> end.put(tp, info.offset()));
            return end;
        } catch (ExecutionException e) {
            throw new KafkaException("cannot list the end offsets of papa.adapters", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("cannot list the end offsets of papa.adapters in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static AdapterPublished decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null; // a tombstone: nothing to restore
        }
        try {
            return PapaSerdes.ADAPTER_PUBLISHED.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            LOG.warnf("skipping undecodable record %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    /** The preferences partition a published version was trained from. */
    static int inputPartition(AdapterPublished a, String preferencesTopic, int partitionCount) {
        for (PartitionOffset o : a.getInputOffsets()) {
            if (o.getTopic().equals(preferencesTopic)) {
                return o.getPartition();
            }
        }
        return partitionForKey(a.getUserId(), partitionCount);
    }

    /** The partition Kafka's default partitioner picks for a String key. */
    static int partitionForKey(String key, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
