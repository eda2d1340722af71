package dev.papa.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.papa.engine.checkpoint.Tensors;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Exponential moving average of weights: a diffusion model sampled from its EMA weights draws
 * far cleaner images than from the raw weights of a short training run.
 */
public final class ExponentialMovingAverage implements AutoCloseable {

    private final NDManager manager = NDManager.newBaseManager();
    private final List<String> names;
    private final List<Parameter> parameters;
    private final List<NDArray> averages = new ArrayList<>();
    private final double decay;

    public ExponentialMovingAverage(List<String> names, List<Parameter> parameters, double decay) {
        this.names = List.copyOf(names);
        this.parameters = List.copyOf(parameters);
        this.decay = decay;
        for (Parameter p : parameters) {
            averages.add(p.getArray().duplicate());
            averages.get(averages.size() - 1).attach(manager);
        }
    }

    /** avg ← decay·avg + (1 − decay)·w, with a warm-up so early steps are not dominated by init. */
    public void update(long step) {
        double d = Math.min(decay, (1.0 + step) / (10.0 + step));
        for (int i = 0; i < parameters.size(); i++) {
            try (NDArray share = parameters.get(i).getArray().mul(1 - d)) {
                averages.get(i).muli(d).addi(share);
            }
        }
    }

    public Tensors weights() {
        Tensors out = new Tensors();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), Tensors.Tensor.of(averages.get(i)));
        }
        return out;
    }

    public void restore(Tensors weights) {
        for (int i = 0; i < names.size(); i++) {
            averages.get(i).set(FloatBuffer.wrap(weights.get(names.get(i)).values()));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
