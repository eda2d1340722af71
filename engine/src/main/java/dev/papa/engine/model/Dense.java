package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** A fully connected layer on (B, in) with an optional LoRA adapter on its weight. */
final class Dense extends ModelBlock {

    private final float loraScale;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter loraDown;
    private final Parameter loraUp;

    Dense(int in, int out, LoraSpec lora) {
        this.loraScale = lora.scale();
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).optShape(new Shape(out)).build());
        if (lora.rank() > 0) {
            loraDown = addParameter(Parameter.builder().setName("loraDown").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(lora.rank(), in))
                    .optInitializer(new NormalInitializer((float) (1.0 / Math.sqrt(in)))).build());
            loraUp = addParameter(Parameter.builder().setName("loraUp").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(out, lora.rank())).optInitializer(Initializer.ZEROS).build());
        } else {
            loraDown = null;
            loraUp = null;
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> options) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = adaptedWeight(ps, weight, loraDown, loraUp, loraScale, x, training, options);
        NDArray y = Linear.linear(x, w, value(ps, bias, x, training)).singletonOrThrow();
        countFlops(options, 2 * y.size() * w.getShape().get(1));
        return new NDList(y);
    }
}
