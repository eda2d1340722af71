package dev.papa.schemas;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Encodes and decodes one record type with Avro single-object encoding: the marker bytes
 * {@code C3 01}, the writer schema's 8-byte little-endian fingerprint, then the Avro binary
 * datum. Encoding always uses the codec's own schema; decoding accepts any version of the same
 * record that the {@link Schemas} history knows and resolves it to the codec's schema (fields
 * added since get their defaults, removed ones are skipped).
 *
 * <p>Every failure is a {@link SerializationException} naming the record and the cause. Instances
 * are thread-safe.
 *
 * @param <D> the in-memory type: a generated specific record, or {@link GenericRecord}
 */
public final class AvroCodec<D> {

    /** Single-object encoding marker (format version 1). */
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final int HEADER_LENGTH = 10;

    private final Schema schema;
    private final Schemas history;
    private final BinaryMessageEncoder<D> encoder;
    private final BinaryMessageDecoder<D> decoder;

    private AvroCodec(GenericData model, Schema schema, Schemas history) {
        this.schema = schema;
        this.history = history;
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, history.store(schema.getFullName()));
    }

    /** A codec for a generated record class, reading every version in {@code history}. */
    public static <T extends SpecificRecord> AvroCodec<T> specific(Class<T> type, Schemas history) {
        SpecificData model = SpecificData.getForClass(type);
        return new AvroCodec<>(model, model.getSchema(type), history);
    }

    /** A codec for generic records of {@code schema}, reading every version in {@code history}. */
    public static AvroCodec<GenericRecord> generic(Schema schema, Schemas history) {
        return new AvroCodec<>(GenericData.get(), schema, history);
    }

    /** The schema records are written with and read into. */
    public Schema schema() {
        return schema;
    }

    /** Single-object encodes {@code datum} with this codec's schema. */
    public byte[] encode(D datum) {
        if (datum == null) {
            throw new SerializationException("cannot encode a null " + schema.getFullName());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(datum, out);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getFullName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a single-object encoded record.
     *
     * @throws SerializationException if the bytes are too short, lack the single-object marker,
     *     carry a fingerprint that is no known version of this record, are truncated, malformed,
     *     or have bytes left over after the record
     */
    public D decode(byte[] bytes) {
        if (bytes == null) {
            throw new SerializationException("cannot decode " + schema.getFullName() + " from null bytes");
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new SerializationException("not a single-object encoded " + schema.getFullName() + ": "
                    + bytes.length + " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
        }
        if (bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new SerializationException(String.format(
                    "not a single-object encoded %s: bad header, expected marker C3 01 but got %02X %02X",
                    schema.getFullName(), bytes[0], bytes[1]));
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        D datum;
        try {
            datum = decoder.decode(in, null);
        } catch (MissingSchemaException e) {
            throw new SerializationException(unknownFingerprint(fingerprint), e);
        } catch (BadHeaderException e) {
            throw new SerializationException("not a single-object encoded " + schema.getFullName()
                    + ": bad header: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + writer(fingerprint) + " as " + schema.getFullName()
                    + " (truncated or malformed, " + bytes.length + " bytes): " + describe(e), e);
        }
        if (in.available() > 0) {
            throw new SerializationException("cannot decode " + writer(fingerprint) + ": " + in.available()
                    + " bytes left over after the record (" + bytes.length + " bytes in all)");
        }
        return datum;
    }

    private String unknownFingerprint(long fingerprint) {
        String message = "cannot decode " + schema.getFullName() + ": unknown schema fingerprint "
                + Schemas.hex(fingerprint);
        return history.find(fingerprint)
                .map(other -> message + ", which is " + other + ", a different record")
                .orElse(message + ", no published version of any PAPA record (known versions of "
                        + schema.getFullName() + ": " + history.versions(schema.getFullName()) + ")");
    }

    private String writer(long fingerprint) {
        return history.find(fingerprint).map(Schemas.Version::toString).orElse(schema.getFullName());
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.toString());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause);
        }
        return text.toString();
    }
}
