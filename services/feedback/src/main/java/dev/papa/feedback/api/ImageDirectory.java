package dev.papa.feedback.api;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jboss.logging.Logger;

import dev.papa.feedback.stream.FeedbackTopology;
import dev.papa.feedback.stream.JoinSettings;
import dev.papa.feedback.stream.StoredImage;

/**
 * Answers "which user is this image for?" from the join's images store (Kafka Streams
 * interactive queries), without a network hop: it asks only the store partition that holds the
 * image, and only if that partition is on this instance. The partition is the one the producers'
 * default partitioner picks for the imageId key (murmur2), as for every record of papa.images.
 */
@ApplicationScoped
public class ImageDirectory {

    private static final Logger LOG = Logger.getLogger(ImageDirectory.class);

    /** What the store says about an image. */
    public sealed interface Lookup {
        /** The image is in the store, generated for {@code userId}. */
        record Known(String userId) implements Lookup {
        }

        /** The partition that would hold the image is here, and the image is not in it. */
        record Unknown() implements Lookup {
        }

        /** This instance cannot tell: Streams not running yet, rebalancing, or the partition is elsewhere. */
        record CannotTell(String why) implements Lookup {
        }
    }

    @Inject
    KafkaStreams streams;

    @Inject
    FeedbackPublisher publisher;

    @Inject
    JoinSettings settings;

    private final AtomicInteger partitions = new AtomicInteger();

    public Lookup lookup(String imageId) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return new Lookup.CannotTell("Kafka Streams is " + state);
        }
        int partition;
        try {
            partition = partitionOf(imageId);
        } catch (RuntimeException e) {
            return new Lookup.CannotTell("no metadata for " + settings.imagesTopic() + ": " + e.getMessage());
        }
        try {
            ReadOnlyKeyValueStore<String, StoredImage> store = streams.store(StoreQueryParameters
                    .fromNameAndType(FeedbackTopology.IMAGES_STORE, QueryableStoreTypes.<String, StoredImage>keyValueStore())
                    .withPartition(partition));
            StoredImage image = store.get(imageId);
            return image == null ? new Lookup.Unknown() : new Lookup.Known(image.userId());
        } catch (RuntimeException e) { // InvalidStateStoreException: not here, migrating, restoring
            LOG.debugf("images store partition %d not queryable here: %s", partition, e.getMessage());
            return new Lookup.CannotTell("partition " + partition + " of the images store is not queryable here");
        }
    }

    private int partitionOf(String imageId) {
        int count = partitions.get();
        if (count == 0) {
            count = publisher.partitionCount(settings.imagesTopic());
            partitions.set(count);
        }
        return Utils.toPositive(Utils.murmur2(imageId.getBytes(StandardCharsets.UTF_8))) % count;
    }
}
