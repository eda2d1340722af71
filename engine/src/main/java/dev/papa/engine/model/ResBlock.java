package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Residual block conditioned on the time embedding:
 * h = conv(silu(gn(x))) + proj(temb); h = conv(silu(gn(h))); out = skip(x) + h.
 * Input: NDList(x (B, in, H, W), temb (B, E)).
 */
final class ResBlock extends ModelBlock {

    private final GroupNorm norm1;
    private final Conv conv1;
    private final Dense timeProjection;
    private final GroupNorm norm2;
    private final Conv conv2;
    private final Conv skip;

    ResBlock(int in, int out, int timeEmbeddingDim, int groups, LoraSpec lora) {
        norm1 = addChildBlock("norm1", new GroupNorm(groups, in));
        conv1 = addChildBlock("conv1", new Conv(in, out, 3, 1, lora, false));
        timeProjection = addChildBlock("time", new Dense(timeEmbeddingDim, out, lora));
        norm2 = addChildBlock("norm2", new GroupNorm(groups, out));
        // Zero-initialized last conv: each block starts as the identity, which trains faster.
        conv2 = addChildBlock("conv2", new Conv(out, out, 3, 1, lora, true));
        skip = in == out ? null : addChildBlock("skip", new Conv(in, out, 1, 1, lora, false));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> options) {
        NDArray x = inputs.get(0);
        NDArray timeEmbedding = inputs.get(1);
        NDArray h = call(conv1, ps, silu(call(norm1, ps, x, training, options)), training, options);
        NDArray t = call(timeProjection, ps, silu(timeEmbedding), training, options);
        h = h.add(t.reshape(t.getShape().get(0), t.getShape().get(1), 1, 1));
        h = call(conv2, ps, silu(call(norm2, ps, h, training, options)), training, options);
        NDArray residual = skip == null ? x : call(skip, ps, x, training, options);
        return new NDList(residual.add(h));
    }
}
