package dev.papa.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class RoundTripTest {

    private static <T extends SpecificRecord> T roundTrip(Serde<T> serde, T record) {
        byte[] bytes = serde.serializer().serialize("topic", record);
        assertSingleObjectHeader(record, bytes);
        T back = serde.deserializer().deserialize("topic", bytes);
        assertNotSame(record, back);
        assertEquals(record, back);
        return back;
    }

    /** C3 01, then the little-endian fingerprint of the record's current (published) schema. */
    private static void assertSingleObjectHeader(SpecificRecord record, byte[] bytes) {
        assertArrayEquals(new byte[] {(byte) 0xC3, 0x01}, Arrays.copyOf(bytes, 2));
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(Schemas.fingerprint(record.getSchema()), fingerprint);
        assertEquals(Schemas.published().latest(record.getSchema().getFullName()).fingerprint(), fingerprint);
    }

    @Test
    void imageGenerated() {
        ImageGenerated back = roundTrip(PapaSerdes.IMAGE_GENERATED, Samples.image());
        assertEquals(28 * 28, back.getPixels().remaining());
        assertEquals(Samples.T0, back.getCreatedAt());
        assertEquals(SamplerKind.DDIM, back.getSampler().getKind());
        assertInstanceOf(String.class, back.getUserId());
    }

    @Test
    void feedbackGiven() {
        FeedbackGiven back = roundTrip(PapaSerdes.FEEDBACK_GIVEN, Samples.feedback());
        assertEquals(FeedbackKind.DISLIKE, back.getKind());
        assertEquals(-1f, back.getValue());
    }

    @Test
    void preferenceExample() {
        PreferenceExample back = roundTrip(PapaSerdes.PREFERENCE_EXAMPLE, Samples.preference());
        assertEquals(12, back.getPixels().remaining());
    }

    @Test
    void adapterPublishedWithAndWithoutOptimizerState() {
        AdapterPublished back = roundTrip(PapaSerdes.ADAPTER_PUBLISHED, Samples.adapter(ByteBuffer.wrap(new byte[] {9, 8})));
        assertEquals(ByteBuffer.wrap(new byte[] {9, 8}), back.getOptimizerState());
        assertEquals("fb-3", back.getAppliedFeedbackIds().get(2));
        assertEquals(71L, back.getInputOffsets().get(0).getOffset());
        assertEquals(Algorithm.EPAPA, back.getTraining().getAlgorithm());

        assertNull(roundTrip(PapaSerdes.ADAPTER_PUBLISHED, Samples.adapter(null)).getOptimizerState());
    }

    @Test
    void optimizerStateDefaultsToNull() {
        AdapterPublished.Builder builder = AdapterPublished.newBuilder(Samples.adapter(null));
        builder.clearOptimizerState();
        assertNull(builder.build().getOptimizerState());
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertNull(PapaSerdes.ADAPTER_PUBLISHED.serialize("papa.adapters", null));
        assertNull(PapaSerdes.ADAPTER_PUBLISHED.deserialize("papa.adapters", null));
    }

    @Test
    void kafkaCanInstantiateTheSerdesByClassName() throws ClassNotFoundException {
        @SuppressWarnings("unchecked")
        Deserializer<FeedbackGiven> deserializer = Utils.newInstance(
                PapaSerdes.FeedbackGivenSerde.class.getName(), Deserializer.class);
        @SuppressWarnings("unchecked")
        Serde<AdapterPublished> serde = Utils.newInstance(PapaSerdes.AdapterPublishedSerde.class.getName(), Serde.class);
        deserializer.configure(Map.of(), false);

        assertEquals(Samples.feedback(), deserializer.deserialize("papa.feedback",
                PapaSerdes.FEEDBACK_GIVEN.serialize("papa.feedback", Samples.feedback())));
        roundTrip(serde, Samples.adapter(null));
    }

    @Test
    void serdeFactoryAndSharedConstantsAgree() {
        AvroSerde<FeedbackGiven> own = AvroSerde.of(FeedbackGiven.class);
        byte[] bytes = own.serialize("papa.feedback", Samples.feedback());
        assertArrayEquals(bytes, PapaSerdes.FEEDBACK_GIVEN.serialize("papa.feedback", Samples.feedback()));
        assertEquals(Samples.feedback(), PapaSerdes.FEEDBACK_GIVEN.deserialize("papa.feedback", bytes));
        assertEquals(FeedbackGiven.class, own.type());
    }
}
