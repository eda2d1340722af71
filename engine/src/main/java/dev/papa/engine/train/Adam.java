package dev.papa.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.Tensors;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba) with global-norm gradient clipping and a finiteness guard, written out
 * so that its state (moments and step count) can be saved with an adapter and restored: a
 * trainer that restarts continues exactly where the published version left off.
 *
 * <p>Call {@link #step} after the gradient collector is closed: updates run outside grad mode.
 */
public final class Adam implements AutoCloseable {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final NDManager manager;
    private final List<Parameter> parameters;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private double learningRate;
    private final double maxGradientNorm;
    private long steps;

    public Adam(List<Parameter> parameters, double learningRate, double maxGradientNorm) {
        this.manager = NDManager.newBaseManager();
        this.parameters = List.copyOf(parameters);
        this.learningRate = learningRate;
        this.maxGradientNorm = maxGradientNorm;
        for (Parameter p : this.parameters) {
            firstMoments.add(manager.zeros(p.getArray().getShape()));
            secondMoments.add(manager.zeros(p.getArray().getShape()));
        }
    }

    /** What one step did: the gradient norm before clipping, and whether it was applied. */
    public record StepResult(double gradientNorm, boolean applied, String rejection) {}

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public long steps() {
        return steps;
    }

    /**
     * Applies the accumulated gradients and clears them. A step whose gradients or resulting
     * weights are not finite is rejected: weights and moments stay as they were.
     */
    public StepResult step() {
        try {
            return computeAndApply();
        } finally {
            // After the update: the gradient arrays read above are views of these buffers.
            zeroGradients();
        }
    }

    private StepResult computeAndApply() {
        try (NDManager scratch = manager.newSubManager()) {
            // Arithmetic on an array allocates in that array's manager: lend the weights and
            // moments to the scratch manager so every temporary is freed with it.
            for (int i = 0; i < parameters.size(); i++) {
                scratch.tempAttachAll(parameters.get(i).getArray(), firstMoments.get(i), secondMoments.get(i));
            }
            List<NDArray> gradients = gradients(scratch);
            double norm = norm(gradients);
            if (!Double.isFinite(norm)) {
                return new StepResult(norm, false, "gradient is not finite");
            }
            double clip = maxGradientNorm > 0 && norm > maxGradientNorm ? maxGradientNorm / norm : 1.0;
            long t = steps + 1;
            double stepSize = learningRate * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
            List<NDArray> newWeights = new ArrayList<>();
            List<NDArray> newFirst = new ArrayList<>();
            List<NDArray> newSecond = new ArrayList<>();
            boolean finite = true;
            for (int i = 0; i < parameters.size(); i++) {
                NDArray g = gradients.get(i).mul(clip);
                NDArray m = firstMoments.get(i).mul(BETA1).add(g.mul(1 - BETA1));
                NDArray v = secondMoments.get(i).mul(BETA2).add(g.square().mul(1 - BETA2));
                NDArray w = parameters.get(i).getArray().sub(m.div(v.sqrt().add(EPSILON)).mul(stepSize));
                finite &= !w.isNaN().logicalOr(w.isInfinite()).any().getBoolean();
                newWeights.add(w);
                newFirst.add(m);
                newSecond.add(v);
            }
            if (!finite) {
                return new StepResult(norm, false, "update would make weights non-finite");
            }
            for (int i = 0; i < parameters.size(); i++) {
                copyInto(newWeights.get(i), parameters.get(i).getArray());
                copyInto(newFirst.get(i), firstMoments.get(i));
                copyInto(newSecond.get(i), secondMoments.get(i));
            }
            steps = t;
            return new StepResult(norm, true, null);
        }
    }

    /** The global L2 norm of the accumulated gradients: NaN or infinite if any of them is not finite. */
    public double gradientNorm() {
        try (NDManager scratch = manager.newSubManager()) {
            return norm(gradients(scratch));
        }
    }

    /** The parameters' gradients, as views owned by {@code scratch} (closing it leaves the buffers). */
    private List<NDArray> gradients(NDManager scratch) {
        List<NDArray> gradients = new ArrayList<>();
        for (Parameter p : parameters) {
            NDArray g = p.getArray().getGradient();
            g.attach(scratch);
            gradients.add(g);
        }
        return gradients;
    }

    private static double norm(List<NDArray> arrays) {
        double squared = 0;
        for (NDArray a : arrays) {
            squared += a.square().sum().getFloat();
        }
        return Math.sqrt(squared);
    }

    /** Drops accumulated gradients without updating (e.g. after a rejected loss). */
    public void zeroGradients() {
        for (Parameter p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
    }

    /** Back to a fresh optimizer: zero moments, step 0. */
    public void reset() {
        for (int i = 0; i < parameters.size(); i++) {
            firstMoments.get(i).muli(0);
            secondMoments.get(i).muli(0);
        }
        steps = 0;
    }

    /** Moments and step count, in the checkpoint format. */
    public Checkpoint state() {
        Tensors tensors = new Tensors();
        for (int i = 0; i < parameters.size(); i++) {
            tensors.put("m." + i, Tensors.Tensor.of(firstMoments.get(i)));
            tensors.put("v." + i, Tensors.Tensor.of(secondMoments.get(i)));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("adam.steps", Long.toString(steps));
        properties.put("adam.parameters", Integer.toString(parameters.size()));
        return new Checkpoint(Checkpoint.Kind.OPTIMIZER, properties, tensors);
    }

    public void restore(Checkpoint state) {
        state.expect(Checkpoint.Kind.OPTIMIZER);
        int count = Integer.parseInt(state.properties().getOrDefault("adam.parameters", "-1"));
        if (count != parameters.size()) {
            throw new IllegalArgumentException("optimizer state is for " + count + " parameters, this model trains " + parameters.size());
        }
        for (int i = 0; i < parameters.size(); i++) {
            setFrom(state.tensors().get("m." + i), firstMoments.get(i));
            setFrom(state.tensors().get("v." + i), secondMoments.get(i));
        }
        steps = Long.parseLong(state.properties().get("adam.steps"));
    }

    private static void setFrom(Tensors.Tensor source, NDArray target) {
        if (source.values().length != target.size()) {
            throw new IllegalArgumentException("optimizer state tensor has " + source.values().length
                    + " values, expected " + target.size());
        }
        target.set(FloatBuffer.wrap(source.values()));
    }

    private static void copyInto(NDArray source, NDArray target) {
        target.set(source.toByteBuffer());
    }

    @Override
    public void close() {
        manager.close();
    }
}
