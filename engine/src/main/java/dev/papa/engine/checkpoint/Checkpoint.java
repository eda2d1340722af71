package dev.papa.engine.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PAPA's one binary format for base models, oracles, adapters and optimizer states.
 *
 * <pre>
 * "PAPACKPT"                 8 bytes magic
 * format version             u16 (1)
 * kind                       UTF string (BASE_MODEL, ORACLE, ADAPTER, OPTIMIZER)
 * properties                 u32 count, then UTF key, UTF value (model config, provenance)
 * tensors                    u32 count, then UTF name, u8 rank, rank × i64 dims,
 *                            values as float32 little-endian
 * SHA-256                    32 bytes over everything above
 * </pre>
 * The checksum makes a truncated or altered file fail loudly on read; its hex prefix is the
 * checkpoint's {@link #id()}, which adapters use to name the base model they belong to.
 */
public record Checkpoint(Kind kind, Map<String, String> properties, Tensors tensors) {

    public enum Kind { BASE_MODEL, ORACLE, ADAPTER, OPTIMIZER }

    private static final byte[] MAGIC = "PAPACKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;
    private static final int DIGEST_BYTES = 32;
    private static final int MAX_RANK = 8;

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buffer);
            out.write(MAGIC);
            out.writeShort(FORMAT_VERSION);
            out.writeUTF(kind.name());
            out.writeInt(properties.size());
            for (Map.Entry<String, String> e : properties.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(tensors.size());
            for (Map.Entry<String, Tensors.Tensor> e : tensors.asMap().entrySet()) {
                long[] shape = e.getValue().shape();
                out.writeUTF(e.getKey());
                out.writeByte(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                float[] values = e.getValue().values();
                ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(values);
                out.write(bytes.array());
            }
            out.flush();
            byte[] body = buffer.toByteArray();
            byte[] result = Arrays.copyOf(body, body.length + DIGEST_BYTES);
            System.arraycopy(sha256(body), 0, result, body.length, DIGEST_BYTES);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Checkpoint fromBytes(byte[] bytes) {
        if (bytes.length < MAGIC.length + DIGEST_BYTES || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new CheckpointException("not a PAPA checkpoint (bad magic or too short: " + bytes.length + " bytes)");
        }
        int bodyLength = bytes.length - DIGEST_BYTES;
        byte[] expected = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
        if (!MessageDigest.isEqual(expected, sha256(Arrays.copyOf(bytes, bodyLength)))) {
            throw new CheckpointException("checkpoint checksum mismatch: the file is truncated or altered");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bodyLength))) {
            in.skipNBytes(MAGIC.length);
            int version = in.readUnsignedShort();
            if (version != FORMAT_VERSION) {
                throw new CheckpointException("checkpoint format version " + version + " is not supported (this build reads " + FORMAT_VERSION + ")");
            }
            Kind kind = parseKind(in.readUTF());
            Map<String, String> properties = new LinkedHashMap<>();
            int propertyCount = in.readInt();
            for (int i = 0; i < propertyCount; i++) {
                properties.put(in.readUTF(), in.readUTF());
            }
            Tensors tensors = new Tensors();
            int tensorCount = in.readInt();
            for (int i = 0; i < tensorCount; i++) {
                String name = in.readUTF();
                int rank = in.readUnsignedByte();
                if (rank > MAX_RANK) {
                    throw new CheckpointException("tensor " + name + " has rank " + rank);
                }
                long[] shape = new long[rank];
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readLong();
                }
                int count = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
                byte[] raw = in.readNBytes(count * Float.BYTES);
                if (raw.length != count * Float.BYTES) {
                    throw new EOFException();
                }
                float[] values = new float[count];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                tensors.put(name, new Tensors.Tensor(shape, values));
            }
            if (in.available() != 0) {
                throw new CheckpointException("checkpoint has " + in.available() + " unexpected bytes after its tensors");
            }
            return new Checkpoint(kind, properties, tensors);
        } catch (EOFException e) {
            throw new CheckpointException("checkpoint ends early: truncated");
        } catch (IOException | ArithmeticException e) {
            throw new CheckpointException("checkpoint is malformed: " + e.getMessage(), e);
        }
    }

    /** Writes atomically (temp file + rename), so a crash never leaves a half-written checkpoint. */
    public void write(Path path) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
            Files.write(tmp, toBytes());
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + path, e);
        }
    }

    public static Checkpoint read(Path path) {
        try {
            return fromBytes(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint not found: " + path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + path, e);
        } catch (CheckpointException e) {
            throw new CheckpointException(path + ": " + e.getMessage(), e);
        }
    }

    /** Fails unless this checkpoint is of the expected kind. */
    public Checkpoint expect(Kind expected) {
        if (kind != expected) {
            throw new CheckpointException("expected a " + expected + " checkpoint, found " + kind);
        }
        return this;
    }

    /** Content hash of the checkpoint (first 16 hex digits of its SHA-256). */
    public String id() {
        byte[] bytes = toBytes();
        return HexFormat.of().formatHex(bytes, bytes.length - DIGEST_BYTES, bytes.length - DIGEST_BYTES + 8);
    }

    private static Kind parseKind(String name) {
        try {
            return Kind.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("unknown checkpoint kind " + name);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
