package dev.papa.engine.checkpoint;

import dev.papa.engine.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    @Test
    void roundTripKeepsKindPropertiesAndEveryValue(@TempDir Path dir) {
        Checkpoint original = TinyModels.randomBase(3);
        Path file = dir.resolve("base.ckpt");
        original.write(file);
        Checkpoint read = Checkpoint.read(file);
        assertEquals(original.kind(), read.kind());
        assertEquals(original.properties(), read.properties());
        assertEquals(original.tensors().asMap().keySet(), read.tensors().asMap().keySet());
        original.tensors().asMap().forEach((name, t) -> {
            assertArrayEquals(t.shape(), read.tensors().get(name).shape());
            assertArrayEquals(t.values(), read.tensors().get(name).values());
        });
        assertEquals(original.id(), read.id());
    }

    @Test
    void truncatedFileIsRejected(@TempDir Path dir) throws Exception {
        byte[] bytes = TinyModels.randomBase(3).toBytes();
        Path file = dir.resolve("cut.ckpt");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("truncated or altered"), e.getMessage());
    }

    @Test
    void flippedByteIsRejected() {
        byte[] bytes = TinyModels.randomBase(3).toBytes();
        bytes[bytes.length / 2] ^= 0x10;
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.fromBytes(bytes));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void otherFilesAndWrongKindsAreRejectedClearly(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is not a checkpoint, but it is long enough to have a digest");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(text)).getMessage().contains("not a PAPA checkpoint"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(dir.resolve("missing.ckpt"))).getMessage().contains("not found"));
        Checkpoint adapter = new Checkpoint(Checkpoint.Kind.ADAPTER, Map.of(), new Tensors());
        assertThrows(CheckpointException.class, () -> adapter.expect(Checkpoint.Kind.BASE_MODEL));
    }
}
