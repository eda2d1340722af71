package dev.papa.engine.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float tensors held on the Java heap: what a checkpoint stores and what an adapter or an
 * optimizer state is between uses. The live computation always runs on DJL NDArrays.
 */
public final class Tensors {

    /** One tensor's shape and row-major values. */
    public record Tensor(long[] shape, float[] values) {
        public Tensor {
            if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
            }
        }

        public static Tensor of(NDArray array) {
            return new Tensor(array.getShape().getShape(), array.toFloatArray());
        }

        public NDArray toNDArray(NDManager manager) {
            return manager.create(values, new Shape(shape));
        }

        public boolean allFinite() {
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<String, Tensor> byName = new LinkedHashMap<>();

    public Tensors put(String name, Tensor tensor) {
        byName.put(name, tensor);
        return this;
    }

    public Tensor get(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return t;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Adds every tensor of {@code other} under {@code prefix} + its name (to bundle several sets in one file). */
    public Tensors putAll(String prefix, Tensors other) {
        other.byName.forEach((name, t) -> byName.put(prefix + name, t));
        return this;
    }

    /** The tensors whose names start with {@code prefix}, with the prefix removed: the inverse of {@link #putAll}. */
    public Tensors withPrefix(String prefix) {
        Tensors out = new Tensors();
        byName.forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), t);
            }
        });
        return out;
    }

    public Map<String, Tensor> asMap() {
        return Collections.unmodifiableMap(byName);
    }

    public int size() {
        return byName.size();
    }

    public long parameterCount() {
        return byName.values().stream().mapToLong(t -> t.values().length).sum();
    }

    public boolean allFinite() {
        return byName.values().stream().allMatch(Tensor::allFinite);
    }
}
