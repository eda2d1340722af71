package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Single-head self-attention over the pixels of a (B, C, H, W) map, with a residual. */
final class SelfAttention extends ModelBlock {

    private final int channels;
    private final GroupNorm norm;
    private final Conv qkv;
    private final Conv projection;

    SelfAttention(int channels, int groups, LoraSpec lora) {
        this.channels = channels;
        norm = addChildBlock("norm", new GroupNorm(groups, channels));
        qkv = addChildBlock("qkv", new Conv(channels, 3 * channels, 1, 1, lora, false));
        projection = addChildBlock("proj", new Conv(channels, channels, 1, 1, lora, true));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> options) {
        NDArray x = inputs.singletonOrThrow();
        long batch = x.getShape().get(0);
        long height = x.getShape().get(2);
        long width = x.getShape().get(3);
        NDArray qkvMaps = call(qkv, ps, call(norm, ps, x, training, options), training, options)
                .reshape(batch, 3, channels, height * width);
        NDArray q = qkvMaps.get(":, 0").transpose(0, 2, 1);          // (B, HW, C)
        NDArray k = qkvMaps.get(":, 1");                             // (B, C, HW)
        NDArray v = qkvMaps.get(":, 2").transpose(0, 2, 1);          // (B, HW, C)
        countFlops(options, 2 * 2 * batch * height * width * height * width * channels); // q·k and weights·v
        NDArray weights = q.matMul(k).mul(1.0 / Math.sqrt(channels)).softmax(2);
        NDArray attended = weights.matMul(v).transpose(0, 2, 1).reshape(batch, channels, height, width);
        return new NDList(x.add(call(projection, ps, attended, training, options)));
    }
}
