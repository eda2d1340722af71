package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The ε-prediction UNet: input NDList(x_t (B, 1, H, W), t (B,) float), output NDList(ε̂).
 *
 * <pre>
 * conv_in → [ResBlock → skip → downsample] per level → (attention at the lowest level)
 *         → middle: ResBlock, attention, ResBlock
 *         → [concat skip → ResBlock → upsample] per level, reversed → GN, SiLU, conv_out
 * </pre>
 * With a {@link LoraSpec} of rank &gt; 0 every conv and linear layer carries a LoRA branch;
 * forward with option {@code adapter=false} ({@link #BASE_ONLY}) skips those branches.
 */
public final class UNet extends ModelBlock {

    /** Forward options that run the frozen base weights only. */
    public static final PairList<String, Object> BASE_ONLY = new PairList<>(List.of(ADAPTER_OPTION), List.of(false));

    private final UNetConfig config;
    private final LoraSpec lora;
    private final TimeEmbedding timeEmbedding;
    private final Conv inputConv;
    private final List<ResBlock> downBlocks = new ArrayList<>();
    private final List<Conv> downsamplers = new ArrayList<>();
    private final ResBlock middle1;
    private final SelfAttention middleAttention;
    private final ResBlock middle2;
    private final List<ResBlock> upBlocks = new ArrayList<>();
    private final SelfAttention lowestDownAttention;
    private final SelfAttention lowestUpAttention;
    private final GroupNorm outputNorm;
    private final Conv outputConv;

    public UNet(UNetConfig config, LoraSpec lora) {
        this.config = config;
        this.lora = lora;
        int e = config.timeEmbeddingDim();
        int g = config.groups();
        int levels = config.levels();
        timeEmbedding = addChildBlock("time", new TimeEmbedding(config.baseChannels(), e, lora));
        inputConv = addChildBlock("in", new Conv(config.imageChannels(), config.channels(0), 3, 1, lora, false));
        int channels = config.channels(0);
        for (int level = 0; level < levels; level++) {
            int out = config.channels(level);
            downBlocks.add(addChildBlock("down" + level, new ResBlock(channels, out, e, g, lora)));
            channels = out;
            if (level < levels - 1) {
                downsamplers.add(addChildBlock("downsample" + level, new Conv(channels, channels, 3, 2, lora, false)));
            }
        }
        int lowest = config.channels(levels - 1);
        lowestDownAttention = addChildBlock("downAttention", new SelfAttention(lowest, g, lora));
        middle1 = addChildBlock("middle1", new ResBlock(lowest, lowest, e, g, lora));
        middleAttention = addChildBlock("middleAttention", new SelfAttention(lowest, g, lora));
        middle2 = addChildBlock("middle2", new ResBlock(lowest, lowest, e, g, lora));
        for (int level = levels - 1; level >= 0; level--) {
            int skipChannels = config.channels(level);
            int out = config.channels(level);
            upBlocks.add(addChildBlock("up" + level, new ResBlock(channels + skipChannels, out, e, g, lora)));
            channels = out;
        }
        lowestUpAttention = addChildBlock("upAttention", new SelfAttention(lowest, g, lora));
        outputNorm = addChildBlock("outNorm", new GroupNorm(g, channels));
        outputConv = addChildBlock("out", new Conv(channels, config.imageChannels(), 3, 1, lora, true));
    }

    public UNetConfig config() {
        return config;
    }

    public LoraSpec lora() {
        return lora;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> options) {
        NDArray x = inputs.get(0);
        NDArray temb = call(timeEmbedding, ps, inputs.get(1), training, options);
        NDArray h = call(inputConv, ps, x, training, options);
        Deque<NDArray> skips = new ArrayDeque<>();
        int levels = config.levels();
        for (int level = 0; level < levels; level++) {
            h = residual(downBlocks.get(level), ps, h, temb, training, options);
            if (level == levels - 1) {
                h = call(lowestDownAttention, ps, h, training, options);
            }
            skips.push(h);
            if (level < levels - 1) {
                h = call(downsamplers.get(level), ps, h, training, options);
            }
        }
        h = residual(middle1, ps, h, temb, training, options);
        h = call(middleAttention, ps, h, training, options);
        h = residual(middle2, ps, h, temb, training, options);
        for (int i = 0; i < levels; i++) {
            h = residual(upBlocks.get(i), ps, h.concat(skips.pop(), 1), temb, training, options);
            if (i == 0) {
                h = call(lowestUpAttention, ps, h, training, options);
            }
            if (i < levels - 1) {
                h = h.repeat(2, 2).repeat(3, 2); // nearest-neighbour 2× upsampling
            }
        }
        NDArray out = call(outputConv, ps, silu(call(outputNorm, ps, h, training, options)), training, options);
        return new NDList(out);
    }

    private static NDArray residual(ResBlock block, ParameterStore ps, NDArray h, NDArray temb, boolean training,
                                    PairList<String, Object> options) {
        return block.forward(ps, new NDList(h, temb), training, options).singletonOrThrow();
    }
}
