package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.papa.engine.TinyModels;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.CheckpointException;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.diffusion.Noise;
import dev.papa.engine.papa.AdapterKind;
import dev.papa.engine.papa.PersonalizedModel;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoraAdapterTest {

    private final Checkpoint base = TinyModels.randomBase(11);

    @Test
    void emptyAdapterReproducesTheBaseModelExactly() {
        try (UNetModel plain = UNetModel.fromBaseCheckpoint(base, LoraSpec.NONE);
             PersonalizedModel personal = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             NDManager m = NDManager.newBaseManager()) {
            NDArray x = Noise.normal(m, new Shape(3, 1, 28, 28), new SplittableRandom(1));
            NDArray t = m.create(new float[] {0, 500, 999});
            float[] expected = plain.predictNoise(x, t, true, false).toFloatArray();
            assertArrayEquals(expected, personal.predictNoise(x, t, true, false).toFloatArray(), 0f);
            assertArrayEquals(expected, personal.predictNoise(x, t, false, false).toFloatArray(), 0f);
        }
    }

    @Test
    void aNonZeroAdapterChangesTheAdaptedPredictionOnly() {
        try (PersonalizedModel personal = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             NDManager m = NDManager.newBaseManager()) {
            NDArray x = Noise.normal(m, new Shape(2, 1, 28, 28), new SplittableRandom(2));
            NDArray t = m.create(new float[] {10, 700});
            float[] before = personal.predictNoise(x, t, true, false).toFloatArray();
            personal.loadAdapter(perturbed(personal.exportAdapter()));
            assertFalse(java.util.Arrays.equals(before, personal.predictNoise(x, t, true, false).toFloatArray()));
            assertArrayEquals(before, personal.predictNoise(x, t, false, false).toFloatArray(), 0f);
            personal.resetAdapter();
            assertArrayEquals(before, personal.predictNoise(x, t, true, false).toFloatArray(), 0f);
        }
    }

    @Test
    void adaptersOfAnotherBaseOrWithBadValuesAreRejected() {
        try (PersonalizedModel personal = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             PersonalizedModel other = PersonalizedModel.create(TinyModels.randomBase(12), AdapterKind.LORA, new LoraSpec(4, 4f));
             PersonalizedModel otherRank = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(2, 2f))) {
            assertThrows(CheckpointException.class, () -> personal.loadAdapter(other.exportAdapter()));
            assertThrows(CheckpointException.class, () -> personal.loadAdapter(otherRank.exportAdapter()));
            Checkpoint good = personal.exportAdapter();
            Tensors poisoned = new Tensors();
            good.tensors().asMap().forEach((name, t) -> {
                float[] v = t.values().clone();
                v[0] = Float.NaN;
                poisoned.put(name, new Tensors.Tensor(t.shape(), v));
            });
            assertThrows(CheckpointException.class,
                    () -> personal.loadAdapter(new Checkpoint(Checkpoint.Kind.ADAPTER, good.properties(), poisoned)));
        }
    }

    static Checkpoint perturbed(Checkpoint adapter) {
        Tensors changed = new Tensors();
        adapter.tensors().asMap().forEach((name, t) -> {
            float[] v = t.values().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.05f;
            }
            changed.put(name, new Tensors.Tensor(t.shape(), v));
        });
        return new Checkpoint(Checkpoint.Kind.ADAPTER, adapter.properties(), changed);
    }
}
