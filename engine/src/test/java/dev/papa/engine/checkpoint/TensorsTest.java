package dev.papa.engine.checkpoint;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TensorsTest {

    @Test
    void prefixedBundlesSplitBackIntoTheirParts() {
        Tensors weights = new Tensors().put("a", new Tensors.Tensor(new long[] {2}, new float[] {1, 2}));
        Tensors moments = new Tensors().put("a", new Tensors.Tensor(new long[] {1}, new float[] {3}));
        Tensors all = new Tensors().putAll("weights/", weights).putAll("adam/", moments);
        assertEquals(2, all.size());
        assertArrayEquals(new float[] {1, 2}, all.withPrefix("weights/").get("a").values());
        assertArrayEquals(new float[] {3}, all.withPrefix("adam/").get("a").values());
        assertEquals(0, all.withPrefix("ema/").size());
    }
}
