package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalization (Wu & He, 2018) from NDArray ops, since DJL has no GroupNorm block:
 * normalize each group of C/G channels over its channels and pixels, then scale and shift
 * per channel. Unlike batch norm it behaves the same at batch 1, which online updates use.
 */
final class GroupNorm extends ModelBlock {

    private static final float EPSILON = 1e-5f;

    private final int groups;
    private final Parameter gamma;
    private final Parameter beta;

    GroupNorm(int groups, int channels) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.groups = groups;
        // Stored as (1, C, 1, 1) so they broadcast without a reshape: an op on a parameter array
        // would allocate in the model's manager and outlive the forward pass.
        Shape perChannel = new Shape(1, channels, 1, 1);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).optShape(perChannel).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).optShape(perChannel).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> options) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        NDArray mean = grouped.mean(new int[] {2}, true);
        NDArray centered = grouped.sub(mean);
        NDArray variance = centered.square().mean(new int[] {2}, true);
        NDArray normalized = centered.div(variance.add(EPSILON).sqrt()).reshape(shape);
        return new NDList(normalized.mul(value(ps, gamma, x, training)).add(value(ps, beta, x, training)));
    }
}
