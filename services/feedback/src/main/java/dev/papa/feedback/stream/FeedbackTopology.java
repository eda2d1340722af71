package dev.papa.feedback.stream;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The service's Kafka Streams topology, one sub-topology:
 *
 * <pre>
 *   papa.images   ─┐                                   ┌─> papa.preferences (key = userId)
 *                  ├─> join (stores: images, seen-feedback, pending-feedback, expiry-index)
 *   papa.feedback ─┘                                   └─> papa.deadletter (original key and value)
 * </pre>
 *
 * Both sources are read as raw bytes and decoded in {@link JoinProcessor}. Both topics are keyed
 * by imageId and <b>must have the same partition count</b> (co-partitioned): task p reads partition
 * p of both and owns partition p of the stores, so every image lookup is local. Kafka Streams does
 * not check this for the Processor API; the service's readiness check does.
 */
public final class FeedbackTopology {

    public static final String IMAGES_SOURCE = "images-source";
    public static final String FEEDBACK_SOURCE = "feedback-source";
    public static final String JOIN_PROCESSOR = "join";
    public static final String PREFERENCES_SINK = "preferences-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    /** imageId → {@link StoredImage}; queryable (interactive queries) by the HTTP layer. */
    public static final String IMAGES_STORE = "images";
    /** feedbackId → when it was first seen (wall-clock ms): the dedupe store. */
    public static final String SEEN_STORE = "seen-feedback";
    /** feedbackId → {@link PendingFeedback}: feedback waiting for its image. */
    public static final String PENDING_STORE = "pending-feedback";
    /** Time index of the images and seen-feedback stores, for purging (see {@link ExpiryIndex}). */
    public static final String EXPIRY_STORE = "expiry-index";

    private FeedbackTopology() {
    }

    public static Topology build(JoinSettings settings, JoinMetrics metrics) {
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        Topology topology = new Topology();
        topology.addSource(AutoOffsetReset.earliest(), IMAGES_SOURCE, bytesIn, bytesIn, settings.imagesTopic());
        topology.addSource(AutoOffsetReset.earliest(), FEEDBACK_SOURCE, bytesIn, bytesIn, settings.feedbackTopic());
        topology.addProcessor(JOIN_PROCESSOR, () -> new JoinProcessor(settings, metrics), IMAGES_SOURCE, FEEDBACK_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IMAGES_STORE),
                Serdes.String(), StoredImage.SERDE), JOIN_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_STORE),
                Serdes.String(), Serdes.Long()), JOIN_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                Serdes.String(), PendingFeedback.SERDE), JOIN_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), JOIN_PROCESSOR);
        topology.addSink(PREFERENCES_SINK, settings.preferencesTopic(), bytesOut, bytesOut, JOIN_PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, settings.deadLetterTopic(), bytesOut, bytesOut, JOIN_PROCESSOR);
        return topology;
    }
}
