package dev.papa.schemas;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Bytes that are not a single-object encoded version of the expected record are rejected clearly. */
class BadInputTest {

    private static final String TOPIC = "papa.feedback";

    private static SerializationException rejected(byte[] bytes, String expectedMessagePart) {
        SerializationException e = assertThrows(SerializationException.class,
                () -> PapaSerdes.FEEDBACK_GIVEN.deserialize(TOPIC, bytes));
        assertTrue(e.getMessage().contains(expectedMessagePart), e.getMessage());
        assertTrue(e.getMessage().contains(TOPIC), e.getMessage());
        return e;
    }

    private static byte[] valid() {
        return PapaSerdes.FEEDBACK_GIVEN.serialize(TOPIC, Samples.feedback());
    }

    @Test
    void emptyAndTooShort() {
        rejected(new byte[0], "shorter than the 10-byte header");
        rejected(Arrays.copyOf(valid(), 9), "shorter than the 10-byte header");
    }

    @Test
    void textIsNotAnAvroMessage() {
        rejected("{\"feedbackId\":\"fb-1\",\"value\":1}".getBytes(StandardCharsets.UTF_8), "bad header");
    }

    @Test
    void randomGarbage() {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] garbage = new byte[1 + random.nextInt(200)];
            random.nextBytes(garbage);
            assertThrows(SerializationException.class, () -> PapaSerdes.FEEDBACK_GIVEN.deserialize(TOPIC, garbage));
        }
    }

    @Test
    void wrongHeader() {
        byte[] bytes = valid();
        bytes[1] = 0x02; // a future single-object format version
        rejected(bytes, "bad header");
    }

    @Test
    void unknownFingerprint() {
        byte[] bytes = valid();
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789abcdefL);
        rejected(bytes, "unknown schema fingerprint 0x0123456789abcdef");
    }

    @Test
    void anotherRecordsMessage() {
        byte[] image = PapaSerdes.IMAGE_GENERATED.serialize("papa.images", Samples.image());
        rejected(image, "which is dev.papa.schemas.ImageGenerated v1");
    }

    @Test
    void truncatedRecord() {
        byte[] bytes = valid();
        rejected(Arrays.copyOf(bytes, bytes.length - 3), "truncated or malformed");
        rejected(Arrays.copyOf(bytes, 11), "truncated or malformed");
    }

    @Test
    void leftOverBytes() {
        byte[] bytes = valid();
        rejected(Arrays.copyOf(bytes, bytes.length + 2), "2 bytes left over");
    }

    @Test
    void recordMissingARequiredFieldCannotBeSerialized() {
        FeedbackGiven incomplete = Samples.feedback();
        incomplete.setUserId(null);
        SerializationException e = assertThrows(SerializationException.class,
                () -> PapaSerdes.FEEDBACK_GIVEN.serialize(TOPIC, incomplete));
        assertTrue(e.getMessage().contains("cannot encode dev.papa.schemas.FeedbackGiven"), e.getMessage());
    }
}
