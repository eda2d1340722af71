package dev.papa.feedback.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.papa.feedback.Fixtures;
import dev.papa.schemas.FeedbackGiven;
import dev.papa.schemas.FeedbackKind;
import dev.papa.schemas.ImageGenerated;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.PreferenceExample;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class FeedbackTopologyTest {

    private static final Instant START = Instant.parse("2026-01-01T12:00:00Z");
    private static final JoinSettings SETTINGS = JoinSettings.defaults();

    @TempDir
    Path stateDir;

    private SimpleMeterRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ImageGenerated> images;
    private TestInputTopic<String, FeedbackGiven> feedback;
    private TestInputTopic<byte[], byte[]> rawImages;
    private TestInputTopic<byte[], byte[]> rawFeedback;
    private TestOutputTopic<String, PreferenceExample> preferences;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        start(SETTINGS);
    }

    private void start(JoinSettings settings) {
        if (driver != null) {
            driver.close();
        }
        registry = new SimpleMeterRegistry();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "papa-feedback-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(FeedbackTopology.build(settings, new JoinMetrics(registry)), props, START);
        StringSerializer strings = new StringSerializer();
        ByteArraySerializer bytes = new ByteArraySerializer();
        images = driver.createInputTopic(settings.imagesTopic(), strings, PapaSerdes.IMAGE_GENERATED, START, Duration.ZERO);
        feedback = driver.createInputTopic(settings.feedbackTopic(), strings, PapaSerdes.FEEDBACK_GIVEN, START, Duration.ZERO);
        rawImages = driver.createInputTopic(settings.imagesTopic(), bytes, bytes, START, Duration.ZERO);
        rawFeedback = driver.createInputTopic(settings.feedbackTopic(), bytes, bytes, START, Duration.ZERO);
        preferences = driver.createOutputTopic(settings.preferencesTopic(), new StringDeserializer(), PapaSerdes.PREFERENCE_EXAMPLE);
        deadLetters = driver.createOutputTopic(settings.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static ImageGenerated image(String imageId, String userId) {
        return Fixtures.image(imageId, userId, START, 3);
    }

    private static FeedbackGiven like(String feedbackId, String imageId, String userId) {
        return Fixtures.feedback(feedbackId, imageId, userId, 1f, FeedbackKind.LIKE, START.plusSeconds(5));
    }

    private void send(ImageGenerated image) {
        images.pipeInput(image.getImageId(), image);
    }

    private void send(FeedbackGiven given) {
        feedback.pipeInput(given.getImageId(), given);
    }

    private double count(String meter, String reason) {
        return reason == null ? registry.counter(meter).count() : registry.counter(meter, "reason", reason).count();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void feedbackOnAKnownImageBecomesAPreferenceExampleKeyedByUser() {
        ImageGenerated image = image("img-1", "alice");
        send(image);
        send(Fixtures.feedback("fb-1", "img-1", "alice", -0.25f, FeedbackKind.SCORE, START.plusSeconds(9)));

        TestRecord<String, PreferenceExample> out = preferences.readRecord();
        assertEquals("alice", out.key());
        PreferenceExample example = out.value();
        assertEquals("fb-1", example.getFeedbackId());
        assertEquals("alice", example.getUserId());
        assertEquals("img-1", example.getImageId());
        assertEquals(-0.25f, example.getValue());
        assertEquals(FeedbackKind.SCORE, example.getKind());
        assertEquals(28, example.getWidth());
        assertEquals(28, example.getHeight());
        assertArrayEquals(Fixtures.bytes(image.getPixels()), Fixtures.bytes(example.getPixels()));
        assertEquals(3L, example.getAdapterVersion());
        assertEquals(START.plusSeconds(9), example.getGivenAt());
        assertTrue(preferences.isEmpty());
        assertTrue(deadLetters.isEmpty());
        assertEquals(1, count(JoinMetrics.EMITTED, null));
        assertEquals(1, registry.timer(JoinMetrics.JOIN_WAIT).count());
    }

    @Test
    void feedbackBeforeItsImageWaitsAndJoinsWhenTheImageArrives() {
        send(like("fb-1", "img-1", "alice"));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertTrue(preferences.isEmpty(), "held while the image is unknown");
        assertEquals(1, count(JoinMetrics.PARKED, null));

        send(image("img-1", "alice"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        TestRecord<String, PreferenceExample> out = preferences.readRecord();
        assertEquals("alice", out.key());
        assertEquals("fb-1", out.value().getFeedbackId());
        assertEquals(FeedbackKind.LIKE, out.value().getKind());
        assertTrue(deadLetters.isEmpty());
        // it waited 3 s of wall-clock time
        assertEquals(3.0, registry.timer(JoinMetrics.JOIN_WAIT).totalTime(java.util.concurrent.TimeUnit.SECONDS), 0.001);

        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertTrue(preferences.isEmpty(), "emitted once, no longer pending");
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void feedbackWhoseImageNeverArrivesIsDeadLetteredAfterTheJoinTimeout() {
        byte[] value = PapaSerdes.FEEDBACK_GIVEN.serialize("t", like("fb-1", "img-404", "alice"));
        rawFeedback.pipeInput("img-404".getBytes(StandardCharsets.UTF_8), value);

        driver.advanceWallClockTime(Duration.ofSeconds(29));
        assertTrue(deadLetters.isEmpty(), "still within the 30 s join timeout");
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertArrayEquals("img-404".getBytes(StandardCharsets.UTF_8), dead.key());
        assertArrayEquals(value, dead.value(), "the original bytes");
        assertEquals("image not seen within 30s", header(dead, "papa.dlq.reason"));
        assertEquals("join-timeout", header(dead, "papa.dlq.reason-code"));
        assertEquals("papa.feedback", header(dead, "papa.dlq.source-topic"));
        assertEquals("papa-feedback", header(dead, "papa.dlq.service"));
        assertTrue(preferences.isEmpty());
        assertEquals(1, count(JoinMetrics.DEAD_LETTERED, "join-timeout"));

        send(image("img-404", "alice"));
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertTrue(preferences.isEmpty(), "a timed-out feedback is gone for good");
    }

    @Test
    void aRepeatedFeedbackIdIsAppliedOnce() {
        send(image("img-1", "alice"));
        send(like("fb-1", "img-1", "alice"));
        send(like("fb-1", "img-1", "alice"));
        // also while waiting for the image
        send(like("fb-2", "img-2", "alice"));
        send(like("fb-2", "img-2", "alice"));
        send(image("img-2", "alice"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        send(like("fb-2", "img-2", "alice"));

        List<String> ids = preferences.readValuesToList().stream().map(PreferenceExample::getFeedbackId).toList();
        assertEquals(List.of("fb-1", "fb-2"), ids);
        assertEquals(3, count(JoinMetrics.DUPLICATES, null));
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void feedbackFromAnotherUserIsDeadLettered() {
        send(image("img-1", "alice"));
        send(like("fb-1", "img-1", "mallory"));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertArrayEquals("img-1".getBytes(StandardCharsets.UTF_8), dead.key());
        assertEquals(like("fb-1", "img-1", "mallory"), PapaSerdes.FEEDBACK_GIVEN.deserialize("t", dead.value()));
        String reason = header(dead, "papa.dlq.reason");
        assertTrue(reason.contains("'mallory'") && reason.contains("generated for user 'alice'"), reason);
        assertEquals("user-mismatch", header(dead, "papa.dlq.reason-code"));
        assertTrue(preferences.isEmpty());
        assertEquals(1, count(JoinMetrics.DEAD_LETTERED, "user-mismatch"));
    }

    @Test
    void garbageOnTheFeedbackTopicIsDeadLetteredAndTheNextRecordFlows() {
        send(image("img-1", "alice"));
        byte[] garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        rawFeedback.pipeInput("img-1".getBytes(StandardCharsets.UTF_8), garbage);
        send(like("fb-1", "img-1", "alice"));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertArrayEquals(garbage, dead.value());
        assertTrue(header(dead, "papa.dlq.reason").startsWith("undecodable FeedbackGiven"), header(dead, "papa.dlq.reason"));
        assertEquals("papa.feedback", header(dead, "papa.dlq.source-topic"));
        assertEquals("fb-1", preferences.readValue().getFeedbackId());
        assertEquals(1, count(JoinMetrics.DEAD_LETTERED, "undecodable-feedback"));
    }

    @Test
    void garbageOnTheImagesTopicIsDeadLetteredAndTheNextRecordFlows() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        rawImages.pipeInput("img-0".getBytes(StandardCharsets.UTF_8), garbage);
        // an image of another record type: decodes as nothing PAPA knows under this name
        rawImages.pipeInput("img-0".getBytes(StandardCharsets.UTF_8),
                PapaSerdes.FEEDBACK_GIVEN.serialize("t", like("x", "img-0", "alice")));
        send(image("img-1", "alice"));
        send(like("fb-1", "img-1", "alice"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(2, dead.size());
        for (TestRecord<byte[], byte[]> record : dead) {
            assertTrue(header(record, "papa.dlq.reason").startsWith("undecodable ImageGenerated"));
            assertEquals("papa.images", header(record, "papa.dlq.source-topic"));
        }
        assertArrayEquals(garbage, dead.get(0).value());
        assertEquals("fb-1", preferences.readValue().getFeedbackId());
        assertEquals(2, count(JoinMetrics.DEAD_LETTERED, "undecodable-image"));
    }

    @Test
    void recordsThatDecodeButCannotBeUsedAreDeadLettered() {
        ImageGenerated image = image("img-1", "alice");
        images.pipeInput("img-other", image); // key is not the imageId: it would sit in the wrong partition
        ImageGenerated truncated = image("img-2", "alice");
        truncated.setPixels(java.nio.ByteBuffer.wrap(new byte[10]));
        send(truncated);
        send(image);
        send(Fixtures.feedback("fb-1", "img-1", "alice", 1.5f, FeedbackKind.SCORE, START));
        feedback.pipeInput("img-x", like("fb-2", "img-1", "alice"));

        List<String> reasons = deadLetters.readRecordsToList().stream().map(r -> header(r, "papa.dlq.reason")).toList();
        assertEquals(4, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("record key 'img-other' is not the imageId 'img-1'"), reasons.get(0));
        assertTrue(reasons.get(1).contains("10 pixel bytes for 28x28"), reasons.get(1));
        assertTrue(reasons.get(2).contains("value 1.5 outside [-1, 1]"), reasons.get(2));
        assertTrue(reasons.get(3).contains("record key 'img-x'"), reasons.get(3));
        assertEquals(2, count(JoinMetrics.DEAD_LETTERED, "invalid-image"));
        assertEquals(2, count(JoinMetrics.DEAD_LETTERED, "invalid-feedback"));
        assertTrue(preferences.isEmpty());
    }

    @Test
    void imagesAndFeedbackIdsArePurgedAfterTheirRetention() {
        start(SETTINGS.withRetention(Duration.ofHours(2), Duration.ofHours(3)));
        send(Fixtures.image("old", "alice", START.minus(Duration.ofHours(3)), 1));
        send(image("fresh", "alice"));
        send(like("fb-1", "fresh", "alice"));
        assertEquals(1, preferences.readValuesToList().size());

        driver.advanceWallClockTime(Duration.ofMinutes(1)); // first purge: "old" is 3 h old, past 2 h
        send(like("fb-2", "old", "alice"));
        send(like("fb-3", "fresh", "alice"));
        assertEquals(List.of("fb-3"), preferences.readValuesToList().stream().map(PreferenceExample::getFeedbackId).toList());
        driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertEquals("image not seen within 30s", header(deadLetters.readRecord(), "papa.dlq.reason"));

        driver.advanceWallClockTime(Duration.ofHours(3)); // fb-1's id is forgotten; "fresh" is gone too
        send(like("fb-1", "fresh", "alice"));
        assertTrue(preferences.isEmpty(), "the image expired before the feedback id, so nothing is applied twice");
        driver.advanceWallClockTime(Duration.ofSeconds(31));
        assertEquals("join-timeout", header(deadLetters.readRecord(), "papa.dlq.reason-code"));
    }

    @Test
    void durationsAreWrittenInTheLargestExactUnits() {
        assertEquals("30s", JoinProcessor.human(Duration.ofSeconds(30)));
        assertEquals("1m30s", JoinProcessor.human(Duration.ofSeconds(90)));
        assertEquals("2h", JoinProcessor.human(Duration.ofHours(2)));
        assertEquals("1500ms", JoinProcessor.human(Duration.ofMillis(1500)));
    }

    @Test
    void theStoreFormatsRoundTrip() {
        StoredImage image = new StoredImage("alice", 2, 1, new byte[] {7, -1}, 4, 1234);
        StoredImage back = StoredImage.SERDE.deserializer().deserialize("t", StoredImage.SERDE.serializer().serialize("t", image));
        assertEquals(image.userId(), back.userId());
        assertArrayEquals(image.pixels(), back.pixels());
        assertEquals(1234, back.createdAtMillis());
        PendingFeedback pending = new PendingFeedback(null, new byte[] {1}, 5, 6);
        PendingFeedback again = PendingFeedback.SERDE.deserializer().deserialize("t", PendingFeedback.SERDE.serializer().serialize("t", pending));
        assertEquals(null, again.key());
        assertArrayEquals(new byte[] {1}, again.value());
        assertEquals(6, again.parkedAtMillis());
    }
}
