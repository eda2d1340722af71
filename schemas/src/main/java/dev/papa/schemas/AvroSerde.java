package dev.papa.schemas;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer, deserializer and serde (clients and Kafka Streams) for one generated PAPA
 * record, in Avro single-object encoding: no schema registry, the message carries the writer
 * schema's fingerprint and {@link Schemas} knows every published version.
 *
 * <p>{@code null} maps to {@code null} both ways (tombstones on compacted topics). Bytes that are
 * not a single-object encoded version of this record throw {@link SerializationException}.
 * Stateless apart from caches and thread-safe: one instance may serve any number of clients, and
 * {@link #configure} and {@link #close} do nothing. Where a Kafka client takes a class name
 * (e.g. {@code value.serializer}), use the per-record subclasses in {@link PapaSerdes}.
 *
 * @param <T> the generated record class
 */
public class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final AvroCodec<T> codec;

    /** For subclasses with a no-argument constructor, as Kafka config class names need. */
    protected AvroSerde(Class<T> type) {
        this(type, Schemas.published());
    }

    private AvroSerde(Class<T> type, Schemas history) {
        this.type = type;
        this.codec = AvroCodec.specific(type, history);
    }

    /** A serde for {@code type} that reads every published version of its schema. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, Schemas.published());
    }

    /** A serde for {@code type} that reads every version of its schema in {@code history}. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, Schemas history) {
        return new AvroSerde<>(type, history);
    }

    /** The record class this serde handles. */
    public final Class<T> type() {
        return type;
    }

    @Override
    public final byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return codec.encode(data);
        } catch (SerializationException e) {
            throw onTopic(topic, e);
        }
    }

    @Override
    public final T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return codec.decode(data);
        } catch (SerializationException e) {
            throw onTopic(topic, e);
        }
    }

    @Override
    public final Serializer<T> serializer() {
        return this;
    }

    @Override
    public final Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public final void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the schemas come from the class path
    }

    @Override
    public final void close() {
        // nothing to release
    }

    @Override
    public String toString() {
        return "AvroSerde[" + type.getName() + "]";
    }

    private static SerializationException onTopic(String topic, SerializationException e) {
        return topic == null ? e : new SerializationException("topic " + topic + ": " + e.getMessage(), e.getCause());
    }
}
