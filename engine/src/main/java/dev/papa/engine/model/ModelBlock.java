package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Base of the UNet's blocks. Every parameter shape is fixed in the constructor, so a block
 * needs no shape inference: initialization only allocates, and forward reads parameter arrays.
 */
abstract class ModelBlock extends AbstractBlock {

    /** Forward-pass option: {@code adapter=false} runs the frozen base weights only. */
    static final String ADAPTER_OPTION = "adapter";

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has fixed shapes; no inference needed");
    }

    static NDArray value(ParameterStore ps, Parameter p, NDArray input, boolean training) {
        return ps.getValue(p, input.getDevice(), training);
    }

    /** Forward-pass option: an {@link java.util.concurrent.atomic.AtomicLong} that layers add their FLOPs to. */
    static final String FLOP_COUNTER_OPTION = "flops";

    /** Adds 2 × multiply-adds to the pass's FLOP counter, if it has one. */
    static void countFlops(PairList<String, Object> options, long flops) {
        if (options != null && options.get(FLOP_COUNTER_OPTION) instanceof java.util.concurrent.atomic.AtomicLong counter) {
            counter.addAndGet(flops);
        }
    }

    static boolean adapterEnabled(PairList<String, Object> options) {
        return options == null || !Boolean.FALSE.equals(options.get(ADAPTER_OPTION));
    }

    static NDArray call(Block block, ParameterStore ps, NDArray x, boolean training, PairList<String, Object> options) {
        return block.forward(ps, new NDList(x), training, options).singletonOrThrow();
    }

    /**
     * The weight a LoRA layer applies: W + scale · Up·Down, with Up (out, r, …) and Down (r, …)
     * flattened to matrices and the product shaped like W. Merging before the layer's op keeps
     * the convolution kernels on W's own shapes: oneDNN's vectorized backward for the rank-r
     * convolutions returned NaN gradients on the build machines (README, "Numerical faults").
     * Every result is attached to the input's manager: an op on a parameter array allocates in
     * the model's manager and would outlive the forward pass.
     */
    static NDArray loraMerged(NDArray w, NDArray up, NDArray down, float scale, NDArray input) {
        NDManager scope = input.getManager();
        long rank = down.getShape().get(0);
        NDArray upMatrix = up.reshape(up.getShape().get(0), rank);
        upMatrix.attach(scope);
        NDArray downMatrix = down.reshape(rank, -1);
        downMatrix.attach(scope);
        return upMatrix.matMul(downMatrix).mul(scale).reshape(w.getShape()).add(w);
    }

    /**
     * A LoRA layer's weight for this forward pass: the base weight, with the adapter merged in
     * unless the layer has none or the caller runs the base model. Counts the merge's FLOPs.
     */
    static NDArray adaptedWeight(ParameterStore ps, Parameter weight, Parameter loraDown, Parameter loraUp, float scale,
                          NDArray x, boolean training, PairList<String, Object> options) {
        NDArray w = value(ps, weight, x, training);
        if (loraDown == null || !adapterEnabled(options)) {
            return w;
        }
        NDArray down = value(ps, loraDown, x, training);
        NDArray merged = loraMerged(w, value(ps, loraUp, x, training), down, scale, x);
        countFlops(options, 2 * merged.getShape().size() * down.getShape().get(0));
        return merged;
    }

    static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }
}
