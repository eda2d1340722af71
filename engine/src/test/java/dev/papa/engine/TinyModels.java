package dev.papa.engine;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetConfig;
import dev.papa.engine.model.UNetModel;

import java.util.Map;
import java.util.SplittableRandom;

/** Small random-weight models for fast tests of the engine's mechanics. */
public final class TinyModels {

    private TinyModels() {}

    /** A tiny UNet with random weights; its zero-initialized layers are perturbed so every path matters. */
    public static Checkpoint randomBase(long seed) {
        try (UNetModel model = new UNetModel(UNetConfig.tiny(), LoraSpec.NONE)) {
            Tensors weights = new Tensors();
            SplittableRandom random = new SplittableRandom(seed);
            model.baseWeights().asMap().forEach((name, t) -> {
                float[] v = new float[t.values().length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = name.endsWith("gamma") ? 1f : (float) (random.nextGaussian() * 0.1);
                }
                weights.put(name, new Tensors.Tensor(t.shape(), v));
            });
            model.loadBaseWeights(weights);
            return model.toBaseCheckpoint(Map.of("test.seed", Long.toString(seed)));
        }
    }
}
