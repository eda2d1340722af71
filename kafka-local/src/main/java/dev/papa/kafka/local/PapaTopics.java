package dev.papa.kafka.local;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The catalogue of PAPA's Kafka topics, and their idempotent creation.
 *
 * <ul>
 *   <li>{@value #IMAGES}: ImageGenerated, one record per image the sampler generated.</li>
 *   <li>{@value #FEEDBACK}: FeedbackGiven, one record per reaction of a user.</li>
 *   <li>{@value #PREFERENCES}: feedback joined with its image (Kafka Streams), key = user.</li>
 *   <li>{@value #ADAPTERS}: AdapterPublished, key = user, compacted: the source of truth for each
 *       user's latest adapter version. Adapters carry tensors, so its records may be up to
 *       {@value #ADAPTERS_MAX_MESSAGE_BYTES} bytes (producers need {@code max.request.size} at least
 *       that large).</li>
 *   <li>{@value #DEADLETTER}: records that could not be processed, with the reason.</li>
 * </ul>
 *
 * <p>All topics have the same partition count (default {@value #DEFAULT_PARTITIONS}), so records
 * keyed by user land in the same partition number on every topic.
 */
public final class PapaTopics {

    public static final String IMAGES = "papa.images";
    public static final String FEEDBACK = "papa.feedback";
    public static final String PREFERENCES = "papa.preferences";
    public static final String ADAPTERS = "papa.adapters";
    public static final String DEADLETTER = "papa.deadletter";

    /** Every topic name, in pipeline order. */
    public static final List<String> ALL = List.of(IMAGES, FEEDBACK, PREFERENCES, ADAPTERS, DEADLETTER);

    public static final int DEFAULT_PARTITIONS = 4;
    /** max.message.bytes of {@value #ADAPTERS}: 8 MiB. */
    public static final int ADAPTERS_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private PapaTopics() {
    }

    /** The topic definitions with {@value #DEFAULT_PARTITIONS} partitions and replication factor 1. */
    public static List<NewTopic> definitions() {
        return definitions(DEFAULT_PARTITIONS, (short) 1);
    }

    /** The topic definitions with the given partition count and replication factor. */
    public static List<NewTopic> definitions(int partitions, short replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, got " + replicationFactor);
        }
        return ALL.stream()
                .map(name -> new NewTopic(name, partitions, replicationFactor).configs(topicConfig(name)))
                .toList();
    }

    /** The topic-level configuration of one topic of the catalogue (empty: broker defaults). */
    public static Map<String, String> topicConfig(String topic) {
        if (ADAPTERS.equals(topic)) {
            return Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(ADAPTERS_MAX_MESSAGE_BYTES));
        }
        if (ALL.contains(topic)) {
            return Map.of();
        }
        throw new IllegalArgumentException("not a PAPA topic: " + topic);
    }

    /**
     * Creates the catalogue's topics that are missing, with replication factor 1. Existing topics
     * are left alone (their partition count and configuration are not changed). Safe to call
     * concurrently and repeatedly.
     *
     * @return the names of the topics this call created
     */
    public static Set<String> createMissing(Admin admin, int partitions) {
        return createMissing(admin, partitions, (short) 1);
    }

    /** Like {@link #createMissing(Admin, int)}, with a replication factor for a real cluster. */
    public static Set<String> createMissing(Admin admin, int partitions, short replicationFactor) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
        List<NewTopic> missing = definitions(partitions, replicationFactor).stream()
                .filter(topic -> !existing.contains(topic.name()))
                .toList();
        return new TreeSet<>(LocalKafkaBroker.createTopics(admin, missing));
    }

    /** Creates the missing topics on a local broker. */
    public static Set<String> createMissing(LocalKafkaBroker broker, int partitions) {
        try (Admin admin = broker.admin()) {
            return createMissing(admin, partitions);
        }
    }
}
