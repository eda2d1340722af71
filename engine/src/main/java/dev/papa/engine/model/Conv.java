package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** A 2-D convolution (square kernel, "same" padding) with an optional LoRA adapter on its weight. */
final class Conv extends ModelBlock {

    private final Shape stride;
    private final Shape padding;
    private final float loraScale;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter loraDown;
    private final Parameter loraUp;

    Conv(int in, int out, int kernel, int stride, LoraSpec lora, boolean zeroInit) {
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(kernel / 2, kernel / 2);
        this.loraScale = lora.scale();
        Parameter.Builder w = Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in, kernel, kernel));
        if (zeroInit) {
            w.optInitializer(Initializer.ZEROS);
        }
        weight = addParameter(w.build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).optShape(new Shape(out)).build());
        if (lora.rank() > 0) {
            loraDown = addParameter(Parameter.builder().setName("loraDown").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(lora.rank(), in, kernel, kernel))
                    .optInitializer(new NormalInitializer((float) (1.0 / Math.sqrt(in * kernel * kernel))))
                    .build());
            loraUp = addParameter(Parameter.builder().setName("loraUp").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(out, lora.rank(), 1, 1)).optInitializer(Initializer.ZEROS).build());
        } else {
            loraDown = null;
            loraUp = null;
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> options) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = adaptedWeight(ps, weight, loraDown, loraUp, loraScale, x, training, options);
        NDArray y = Conv2d.conv2d(x, w, value(ps, bias, x, training), stride, padding).singletonOrThrow();
        countFlops(options, 2 * y.size() * (w.getShape().size() / w.getShape().get(0)));
        return new NDList(y);
    }
}
