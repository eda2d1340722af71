package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Sinusoidal features of the timestep (as in the Transformer), then a two-layer MLP. */
final class TimeEmbedding extends ModelBlock {

    private final int sinusoidDim;
    private final Dense hidden;
    private final Dense output;

    TimeEmbedding(int sinusoidDim, int embeddingDim, LoraSpec lora) {
        this.sinusoidDim = sinusoidDim;
        hidden = addChildBlock("hidden", new Dense(sinusoidDim, embeddingDim, lora));
        output = addChildBlock("output", new Dense(embeddingDim, embeddingDim, lora));
    }

    /** @param inputs NDList(t) with t a (B,) float array of timesteps */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> options) {
        NDArray t = inputs.singletonOrThrow();
        int half = sinusoidDim / 2;
        float[] frequencies = new float[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = (float) Math.exp(-Math.log(10_000.0) * i / half);
        }
        NDArray angles = t.reshape(-1, 1).mul(t.getManager().create(frequencies, new Shape(1, half)));
        NDArray features = angles.sin().concat(angles.cos(), 1);
        NDArray h = silu(call(hidden, ps, features, training, options));
        return new NDList(call(output, ps, h, training, options));
    }
}
