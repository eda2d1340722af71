package dev.papa.feedback.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary format of this service's own state-store values (never seen outside the service and
 * its changelog topics): a format byte, then the fields with {@link DataOutputStream}, byte arrays
 * and strings length-prefixed. A store value of another format fails loudly instead of being
 * misread.
 */
final class StoreCodec {

    private StoreCodec() {
    }

    interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** A serde writing {@code format} and then the fields. */
    static <T> Serde<T> serde(String what, int format, Writer<T> writer, Reader<T> reader) {
        Serializer<T> serializer = new Serializer<>() {
            @Override
            public byte[] serialize(String topic, T value) {
                if (value == null) {
                    return null;
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
                try (DataOutputStream out = new DataOutputStream(bytes)) {
                    out.writeByte(format);
                    writer.write(value, out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return bytes.toByteArray();
            }

            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
            }
        };
        Deserializer<T> deserializer = new Deserializer<>() {
            @Override
            public T deserialize(String topic, byte[] data) {
                if (data == null) {
                    return null;
                }
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                    int found = in.readUnsignedByte();
                    if (found != format) {
                        throw new SerializationException(what + ": unknown store format " + found + ", expected " + format);
                    }
                    T value = reader.read(in);
                    if (in.available() > 0) {
                        throw new SerializationException(what + ": " + in.available() + " bytes left over");
                    }
                    return value;
                } catch (IOException e) {
                    throw new SerializationException(what + ": truncated or malformed store value", e);
                }
            }

            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
            }
        };
        return new Serde<>() {
            @Override
            public Serializer<T> serializer() {
                return serializer;
            }

            @Override
            public Deserializer<T> deserializer() {
                return deserializer;
            }
        };
    }

    static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < -1 || length > in.available()) {
            throw new IOException("bad length " + length);
        }
        if (length == -1) {
            return null;
        }
        return in.readNBytes(length);
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] bytes = readBytes(in);
        if (bytes == null) {
            throw new IOException("missing string");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
