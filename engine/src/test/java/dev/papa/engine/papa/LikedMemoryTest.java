package dev.papa.engine.papa;

import dev.papa.engine.checkpoint.Tensors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LikedMemoryTest {

    @Test
    void keepsOnlyAppliedLikesUpToItsCapacity() {
        LikedMemory memory = new LikedMemory();
        memory.remember(List.of(image(1, 1f), image(2, -1f), image(3, 0.5f), image(4, 1f)),
                new boolean[] {true, true, true, false});
        assertEquals(2, memory.size(), "the dislike and the example left out of the step are not kept");
        for (int i = 0; i < LikedMemory.CAPACITY; i++) {
            memory.remember(List.of(image(10, 1f)), new boolean[] {true});
        }
        assertEquals(LikedMemory.CAPACITY, memory.size());
        for (FeedbackExample e : memory.draw(50, new SplittableRandom(1))) {
            assertEquals(10, e.pixels()[0], "the oldest were dropped first");
        }
    }

    @Test
    void drawsNothingWhileEmpty() {
        assertTrue(new LikedMemory().draw(10, new SplittableRandom(1)).isEmpty());
    }

    @Test
    void roundTripsThroughTensors() {
        LikedMemory memory = new LikedMemory();
        List<FeedbackExample> liked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            liked.add(image(200 + i, 0.2f * (i + 1) - 0.01f));
        }
        memory.remember(liked, new boolean[] {true, true, true, true, true});
        Tensors tensors = new Tensors();
        memory.writeTo(tensors);
        LikedMemory restored = new LikedMemory();
        restored.readFrom(tensors, 4);
        assertEquals(5, restored.size());
        FeedbackExample drawn = restored.draw(1, new SplittableRandom(3)).get(0);
        FeedbackExample original = liked.stream().filter(e -> e.value() == drawn.value()).findFirst().orElseThrow();
        assertArrayEquals(original.pixels(), drawn.pixels());
        assertThrows(IllegalArgumentException.class, () -> restored.readFrom(tensors, 9));
        restored.readFrom(new Tensors(), 4);
        assertEquals(0, restored.size(), "a state without a memory restores an empty one");
    }

    private static FeedbackExample image(int grey, float value) {
        byte g = (byte) grey;
        return new FeedbackExample(new byte[] {g, g, (byte) 255, 0}, value);
    }
}
