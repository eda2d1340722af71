package dev.papa.engine.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.papa.engine.TinyModels;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    private final NoiseSchedule schedule = NoiseSchedule.reference();
    private final Shape image = new Shape(1, 28, 28);

    @Test
    void ddimWithEtaZeroIsDeterministicGivenTheSeed() {
        try (UNetModel unet = UNetModel.fromBaseCheckpoint(TinyModels.randomBase(5), LoraSpec.NONE);
             NDManager m = NDManager.newBaseManager()) {
            Denoiser d = (x, t, adapted) -> unet.predictNoise(x, x.getManager().full(new Shape(x.getShape().get(0)), t), true, false);
            DdimSampler ddim = new DdimSampler(schedule, 10, 0);
            float[] first = ddim.sample(d, image, 3, 0, new SplittableRandom(42), m).toFloatArray();
            float[] second = ddim.sample(d, image, 3, 0, new SplittableRandom(42), m).toFloatArray();
            float[] other = ddim.sample(d, image, 3, 0, new SplittableRandom(43), m).toFloatArray();
            assertArrayEquals(first, second, 0f);
            assertFalse(java.util.Arrays.equals(first, other));
            for (float v : first) {
                assertTrue(v >= -1f && v <= 1f);
            }
        }
    }

    @Test
    void ddimVisitsEvenlySpacedTimestepsDownToZero() {
        List<Integer> visited = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            new DdimSampler(schedule, 4, 0).sample(recording(visited, new ArrayList<>()), image, 1, 0, new SplittableRandom(1), m);
        }
        assertEquals(List.of(750, 500, 250, 0), visited);
    }

    @Test
    void epapaUsesTheBaseModelBelowKAndTheAdaptedModelFromK() {
        List<Integer> timesteps = new ArrayList<>();
        List<Boolean> adapted = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            new DdpmSampler(schedule).sample(recording(timesteps, adapted), image, 1, 400, new SplittableRandom(1), m);
        }
        assertEquals(1000, timesteps.size());
        for (int i = 0; i < timesteps.size(); i++) {
            assertEquals(timesteps.get(i) >= 400, adapted.get(i), "t = " + timesteps.get(i));
        }
    }

    @Test
    void ddimRejectsNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(schedule, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(schedule, 10, 1.5));
    }

    /** A denoiser that predicts zero noise and records what it was asked. */
    private static Denoiser recording(List<Integer> timesteps, List<Boolean> adapted) {
        return (x, t, useAdapter) -> {
            timesteps.add(t);
            adapted.add(useAdapter);
            NDArray zeros = x.zerosLike();
            return zeros;
        };
    }
}
