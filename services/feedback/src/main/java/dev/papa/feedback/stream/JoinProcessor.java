package dev.papa.feedback.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.papa.schemas.AvroSerde;
import dev.papa.schemas.FeedbackGiven;
import dev.papa.schemas.ImageGenerated;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.PreferenceExample;

/**
 * The join of feedback with images. One processor reads both topics (they are co-partitioned by
 * imageId, so partition p of both lands in the same task with the same local stores):
 * <ul>
 *   <li>an image is decoded and kept in the images store (only what the join needs);</li>
 *   <li>a feedback is decoded, dropped if its feedbackId was seen before, then joined with its
 *       image: a PreferenceExample keyed by user if the users agree, a dead letter if not; if the
 *       image is not there yet the feedback waits in the pending store and is looked up again on a
 *       wall-clock punctuator until it joins or the join timeout sends it to the dead letters.</li>
 * </ul>
 * Records are consumed as bytes and decoded here, so an undecodable record becomes a dead letter
 * with the reason and the records after it go on. A second punctuator removes images older than
 * the image retention and feedback ids older than the dedupe retention.
 */
final class JoinProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = Logger.getLogger(JoinProcessor.class);

    static final String REASON_HEADER = "papa.dlq.reason";
    static final String SOURCE_TOPIC_HEADER = "papa.dlq.source-topic";
    static final String SERVICE_HEADER = "papa.dlq.service";
    /** The machine-readable reason ({@link DeadLetterReason#tag()}), besides the human-readable one. */
    static final String REASON_CODE_HEADER = "papa.dlq.reason-code";

    private static final byte IMAGE_EXPIRY = 'i';
    private static final byte SEEN_EXPIRY = 's';

    private final JoinSettings settings;
    private final JoinMetrics metrics;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, StoredImage> images;
    private KeyValueStore<String, Long> seen;
    private KeyValueStore<String, PendingFeedback> pending;
    private ExpiryIndex expiry;

    JoinProcessor(JoinSettings settings, JoinMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.images = context.getStateStore(FeedbackTopology.IMAGES_STORE);
        this.seen = context.getStateStore(FeedbackTopology.SEEN_STORE);
        this.pending = context.getStateStore(FeedbackTopology.PENDING_STORE);
        KeyValueStore<Bytes, byte[]> index = context.getStateStore(FeedbackTopology.EXPIRY_STORE);
        this.expiry = new ExpiryIndex(index);
        context.schedule(settings.retryInterval(), PunctuationType.WALL_CLOCK_TIME, this::retryPending);
        context.schedule(settings.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purgeExpired);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(settings.feedbackTopic());
        if (settings.imagesTopic().equals(topic)) {
            onImage(record);
        } else {
            onFeedback(record);
        }
    }

    private void onImage(Record<byte[], byte[]> record) {
        ImageGenerated image = decode(record, PapaSerdes.IMAGE_GENERATED, settings.imagesTopic(),
                DeadLetterReason.UNDECODABLE_IMAGE, DeadLetterReason.INVALID_IMAGE, JoinProcessor::imageProblem);
        if (image == null) {
            return;
        }
        StoredImage stored = StoredImage.of(image);
        images.put(image.getImageId(), stored);
        expiry.add(IMAGE_EXPIRY, stored.createdAtMillis(), image.getImageId());
    }

    private void onFeedback(Record<byte[], byte[]> record) {
        FeedbackGiven feedback = decode(record, PapaSerdes.FEEDBACK_GIVEN, settings.feedbackTopic(),
                DeadLetterReason.UNDECODABLE_FEEDBACK, DeadLetterReason.INVALID_FEEDBACK, JoinProcessor::feedbackProblem);
        if (feedback == null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        String feedbackId = feedback.getFeedbackId();
        if (seen.get(feedbackId) != null) {
            metrics.duplicate();
            LOG.debugf("feedback %s seen before, dropped", feedbackId);
            return;
        }
        seen.put(feedbackId, now);
        expiry.add(SEEN_EXPIRY, now, feedbackId);
        if (!join(feedback, record.key(), record.value(), record.timestamp(), now, now)) {
            pending.put(feedbackId, new PendingFeedback(record.key(), record.value(), record.timestamp(), now));
            metrics.parked();
        }
    }

    /**
     * Decodes {@code record} and checks it; on failure sends it to the dead letters and returns null.
     *
     * @param check the problem with a decoded value and its record key, or null if there is none
     */
    private <T extends SpecificRecord> T decode(Record<byte[], byte[]> record, AvroSerde<T> serde, String topic,
            DeadLetterReason undecodable, DeadLetterReason invalid, BiFunction<String, T, String> check) {
        String name = serde.type().getSimpleName();
        T value;
        try {
            value = serde.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            deadLetter(record, topic, undecodable, "undecodable " + name + ": " + e.getMessage());
            return null;
        }
        String problem = value == null ? "no value" : check.apply(keyOf(record), value);
        if (problem != null) {
            deadLetter(record, topic, invalid, "invalid " + name + ": " + problem);
            return null;
        }
        return value;
    }

    /**
     * Joins {@code feedback} with its image if the image is in the store: a PreferenceExample, or a
     * dead letter if the users differ.
     *
     * @return whether the feedback is done with (false: the image is not there yet)
     */
    private boolean join(FeedbackGiven feedback, byte[] key, byte[] value, long timestamp, long arrivedAt, long now) {
        StoredImage image = images.get(feedback.getImageId());
        if (image == null) {
            return false;
        }
        if (!image.userId().equals(feedback.getUserId())) {
            deadLetter(key, value, null, timestamp, settings.feedbackTopic(), DeadLetterReason.USER_MISMATCH,
                    "feedback " + feedback.getFeedbackId() + " of user '" + feedback.getUserId() + "' on image '"
                            + feedback.getImageId() + "', which was generated for user '" + image.userId() + "'");
            return true;
        }
        PreferenceExample example = PreferenceExample.newBuilder()
                .setFeedbackId(feedback.getFeedbackId())
                .setUserId(feedback.getUserId())
                .setImageId(feedback.getImageId())
                .setValue(feedback.getValue())
                .setKind(feedback.getKind())
                .setWidth(image.width())
                .setHeight(image.height())
                .setPixels(ByteBuffer.wrap(image.pixels()))
                .setAdapterVersion(image.adapterVersion())
                .setGivenAt(feedback.getGivenAt())
                .build();
        byte[] userKey = feedback.getUserId().getBytes(StandardCharsets.UTF_8);
        byte[] encoded = PapaSerdes.PREFERENCE_EXAMPLE.serialize(settings.preferencesTopic(), example);
        context.forward(new Record<>(userKey, encoded, timestamp), FeedbackTopology.PREFERENCES_SINK);
        metrics.emitted(now - arrivedAt);
        return true;
    }

    /** Looks up every waiting feedback again; dead-letters those that waited longer than the join timeout. */
    private void retryPending(long now) {
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, PendingFeedback> all = pending.all()) {
            while (all.hasNext()) {
                KeyValue<String, PendingFeedback> entry = all.next();
                PendingFeedback waiting = entry.value;
                FeedbackGiven feedback;
                try {
                    feedback = PapaSerdes.FEEDBACK_GIVEN.deserialize(settings.feedbackTopic(), waiting.value());
                } catch (RuntimeException e) { // it decoded when it arrived; only a schema change could do this
                    deadLetter(waiting.key(), waiting.value(), null, waiting.recordTimestamp(), settings.feedbackTopic(),
                            DeadLetterReason.UNDECODABLE_FEEDBACK, "undecodable FeedbackGiven: " + e.getMessage());
                    done.add(entry.key);
                    continue;
                }
                if (join(feedback, waiting.key(), waiting.value(), waiting.recordTimestamp(), waiting.parkedAtMillis(), now)) {
                    done.add(entry.key);
                } else if (now - waiting.parkedAtMillis() >= settings.joinTimeout().toMillis()) {
                    deadLetter(waiting.key(), waiting.value(), null, waiting.recordTimestamp(), settings.feedbackTopic(),
                            DeadLetterReason.JOIN_TIMEOUT, "image not seen within " + human(settings.joinTimeout()));
                    done.add(entry.key);
                }
            }
        }
        done.forEach(pending::delete);
    }

    /** Removes images past the image retention and feedback ids past the dedupe retention. */
    private void purgeExpired(long now) {
        long imageCutoff = now - settings.imageRetention().toMillis();
        for (ExpiryIndex.Entry entry : expiry.removeBefore(IMAGE_EXPIRY, imageCutoff)) {
            StoredImage image = images.get(entry.id());
            // The same imageId may have been stored again since, with a later createdAt: keep that one.
            if (image != null && image.createdAtMillis() < imageCutoff) {
                images.delete(entry.id());
            }
        }
        long seenCutoff = now - settings.dedupeRetention().toMillis();
        for (ExpiryIndex.Entry entry : expiry.removeBefore(SEEN_EXPIRY, seenCutoff)) {
            Long firstSeen = seen.get(entry.id());
            if (firstSeen != null && firstSeen < seenCutoff) {
                seen.delete(entry.id());
            }
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String sourceTopic, DeadLetterReason reason, String detail) {
        deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), sourceTopic, reason, detail);
    }

    private void deadLetter(byte[] key, byte[] value, Headers original, long timestamp, String sourceTopic,
            DeadLetterReason reason, String detail) {
        Headers headers = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        headers.add(REASON_HEADER, detail.getBytes(StandardCharsets.UTF_8));
        headers.add(REASON_CODE_HEADER, reason.tag().getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_TOPIC_HEADER, sourceTopic.getBytes(StandardCharsets.UTF_8));
        headers.add(SERVICE_HEADER, JoinSettings.SERVICE_NAME.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(key, value, timestamp, headers), FeedbackTopology.DEAD_LETTER_SINK);
        metrics.deadLettered(reason);
        LOG.warnf("dead letter from %s: %s", sourceTopic, detail);
    }

    private static String keyOf(Record<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    static String imageProblem(String key, ImageGenerated image) {
        if (!image.getImageId().equals(key)) {
            return "record key " + quote(key) + " is not the imageId '" + image.getImageId() + "'";
        }
        if (image.getWidth() <= 0 || image.getHeight() <= 0) {
            return "size " + image.getWidth() + "x" + image.getHeight();
        }
        long expected = (long) image.getWidth() * image.getHeight();
        if (image.getPixels().remaining() != expected) {
            return image.getPixels().remaining() + " pixel bytes for " + image.getWidth() + "x" + image.getHeight();
        }
        return null;
    }

    static String feedbackProblem(String key, FeedbackGiven feedback) {
        if (!feedback.getImageId().equals(key)) {
            return "record key " + quote(key) + " is not the imageId '" + feedback.getImageId() + "'";
        }
        if (feedback.getFeedbackId().isBlank()) {
            return "blank feedbackId";
        }
        float value = feedback.getValue();
        if (!(value >= -1f && value <= 1f)) {
            return "value " + value + " outside [-1, 1]";
        }
        return null;
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }

    /** 30s, 2m, 1h30m, 1500ms: the largest units that state the duration exactly. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder text = new StringBuilder();
        if (s >= 3600) {
            text.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            text.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || text.length() == 0) {
            text.append(s).append('s');
        }
        return text.toString();
    }
}
