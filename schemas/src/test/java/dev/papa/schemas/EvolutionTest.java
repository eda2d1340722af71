package dev.papa.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * A record written with one version of a schema stays readable with another version, because
 * the reader finds the writer's schema by fingerprint in the {@link Schemas} history.
 *
 * <p>The evolution tried here is a hypothetical FeedbackGiven v2 (a test resource) that adds a
 * field {@code channel} with default "web".
 */
class EvolutionTest {

    private static final String FEEDBACK = FeedbackGiven.getClassSchema().getFullName();
    private static final Schema V1 = Schemas.published().versions(FEEDBACK).get(0).schema();
    private static final Schema V2 = readTestSchema("dev/papa/schemas/evolution/FeedbackGiven-v2.avsc");

    private static Schema readTestSchema(String resource) {
        try (InputStream in = EvolutionTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void v2IsACompatibleEvolutionOfV1() {
        assertNotEquals(Schemas.fingerprint(V1), Schemas.fingerprint(V2));
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(V2, V1).getType());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(V1, V2).getType());
    }

    @Test
    void storeResolvesOnlyTheRecordsOwnVersions() {
        long v1 = Schemas.fingerprint(V1);
        assertSame(V1, Schemas.published().store(FEEDBACK).findByFingerprint(v1));
        assertNull(Schemas.published().store(ImageGenerated.getClassSchema().getFullName()).findByFingerprint(v1));
        assertNull(Schemas.published().store(FEEDBACK).findByFingerprint(Schemas.fingerprint(V2)));
    }

    @Test
    void recordWrittenWithV1IsReadByAV2Reader() {
        byte[] v1Bytes = PapaSerdes.FEEDBACK_GIVEN.serialize("papa.feedback", Samples.feedback());

        // The v2 reader knows v1 only through the published history (the store), not by itself.
        GenericRecord read = AvroCodec.generic(V2, Schemas.published()).decode(v1Bytes);

        assertEquals(V2, read.getSchema());
        assertEquals("fb-1", read.get("feedbackId").toString());
        assertEquals("img-1", read.get("imageId").toString());
        assertEquals(-1f, read.get("value"));
        assertEquals("DISLIKE", read.get("kind").toString());
        assertEquals(Samples.T0.plusMillis(1500).toEpochMilli(), read.get("givenAt"));
        assertEquals("web", read.get("channel").toString(), "a field added in v2 takes its default");
    }

    @Test
    void withoutTheHistoryTheSameBytesAreUnreadable() {
        byte[] v1Bytes = PapaSerdes.FEEDBACK_GIVEN.serialize("papa.feedback", Samples.feedback());
        Schemas noFeedbackHistory = Schemas.load(getClass().getClassLoader(), Schemas.HISTORY_DIR,
                List.of("ImageGenerated"));

        SerializationException e = assertThrows(SerializationException.class,
                () -> AvroCodec.generic(V2, noFeedbackHistory).decode(v1Bytes));
        assertTrue(e.getMessage().contains("unknown schema fingerprint"), e.getMessage());
    }

    @Test
    void recordWrittenWithV2IsReadByTheCurrentClassOnceV2IsInTheHistory() {
        GenericRecord v2Record = new GenericData.Record(V2);
        v2Record.put("feedbackId", "fb-9");
        v2Record.put("imageId", "img-9");
        v2Record.put("userId", "bob");
        v2Record.put("value", 1f);
        v2Record.put("kind", new GenericData.EnumSymbol(V2.getField("kind").schema(), "LIKE"));
        v2Record.put("givenAt", Samples.T0.toEpochMilli());
        v2Record.put("channel", "mobile");
        Schemas withV2 = Schemas.published().withVersion(V2);
        assertEquals(2, withV2.latest(FEEDBACK).number());
        byte[] v2Bytes = AvroCodec.generic(V2, withV2).encode(v2Record);

        FeedbackGiven read = AvroSerde.of(FeedbackGiven.class, withV2).deserialize("papa.feedback", v2Bytes);

        FeedbackGiven expected = FeedbackGiven.newBuilder()
                .setFeedbackId("fb-9").setImageId("img-9").setUserId("bob").setValue(1f)
                .setKind(FeedbackKind.LIKE).setGivenAt(Samples.T0).build();
        assertEquals(expected, read, "the field unknown to v1 is skipped");

        // A reader whose history lacks v2 cannot know its fingerprint.
        SerializationException e = assertThrows(SerializationException.class,
                () -> PapaSerdes.FEEDBACK_GIVEN.deserialize("papa.feedback", v2Bytes));
        assertTrue(e.getMessage().contains("unknown schema fingerprint"), e.getMessage());
    }
}
