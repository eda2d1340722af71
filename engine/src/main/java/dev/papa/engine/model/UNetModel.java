package dev.papa.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.CheckpointException;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.diffusion.Noise;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** A UNet with its own NDManager and parameter arrays: predict ε, read and write weights. */
public final class UNetModel implements AutoCloseable {

    private static final Predicate<String> IS_LORA = name -> name.endsWith("loraDown") || name.endsWith("loraUp");

    private final NDManager manager;
    private final UNet unet;
    private final ParameterStore store;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();

    public UNetModel(UNetConfig config, LoraSpec lora) {
        manager = NDManager.newBaseManager();
        unet = new UNet(config, lora);
        int s = config.imageSize();
        unet.initialize(manager, DataType.FLOAT32, new Shape(1, config.imageChannels(), s, s), new Shape(1));
        store = new ParameterStore(manager, false);
        for (Pair<String, Parameter> p : unet.getParameters()) {
            parameters.put(p.getKey(), p.getValue());
        }
    }

    /** Loads a base-model checkpoint into a new model, with a fresh (zero-effect) LoRA if asked. */
    public static UNetModel fromBaseCheckpoint(Checkpoint checkpoint, LoraSpec lora) {
        checkpoint.expect(Checkpoint.Kind.BASE_MODEL);
        UNetModel model = new UNetModel(UNetConfig.fromProperties(checkpoint.properties()), lora);
        model.loadWeights(checkpoint.tensors(), IS_LORA.negate());
        return model;
    }

    public UNetConfig config() {
        return unet.config();
    }

    public LoraSpec lora() {
        return unet.lora();
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * ε̂(x_t, t). Arrays made by the forward pass attach to x's manager, so callers free them
     * by closing that manager.
     *
     * @param withAdapter false runs the base weights only (LoRA branches skipped)
     * @param training    true records the graph for a backward pass; false runs without autograd
     */
    public NDArray predictNoise(NDArray x, NDArray t, boolean withAdapter, boolean training) {
        PairList<String, Object> options = withAdapter ? null : UNet.BASE_ONLY;
        if (training) {
            return unet.forward(store, new NDList(x, t), true, options).singletonOrThrow();
        }
        return NoGradient.run(() -> unet.forward(store, new NDList(x, t), false, options).singletonOrThrow());
    }

    /** FLOPs of one forward pass for one image (2 × multiply-adds of convs, linears, attention). */
    public long forwardFlopsPerImage(boolean withAdapter) {
        AtomicLong counter = new AtomicLong();
        PairList<String, Object> options = new PairList<>();
        options.add(UNet.FLOP_COUNTER_OPTION, counter);
        if (!withAdapter) {
            options.add(UNet.ADAPTER_OPTION, false);
        }
        try (NDManager scope = manager.newSubManager()) {
            int s = config().imageSize();
            unet.forward(store, new NDList(scope.zeros(new Shape(1, config().imageChannels(), s, s)), scope.zeros(new Shape(1))),
                    false, options);
        }
        return counter.get();
    }

    public List<Parameter> baseParameters() {
        return select(IS_LORA.negate());
    }

    public List<Parameter> loraParameters() {
        return select(IS_LORA);
    }

    /** Trains only {@code trainable}; every other parameter gets no gradient. */
    public void setTrainable(List<Parameter> trainable) {
        for (Parameter p : parameters.values()) {
            p.freeze(!trainable.contains(p));
        }
    }

    public Tensors baseWeights() {
        return export(IS_LORA.negate());
    }

    public Tensors loraWeights() {
        return export(IS_LORA);
    }

    public Checkpoint toBaseCheckpoint(Map<String, String> provenance) {
        Map<String, String> properties = new LinkedHashMap<>(config().toProperties());
        properties.putAll(provenance);
        return new Checkpoint(Checkpoint.Kind.BASE_MODEL, properties, baseWeights());
    }

    /** Copies values into the existing parameter arrays (in place, so cached views stay valid). */
    public void loadWeights(Tensors weights, Predicate<String> which) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (!which.test(e.getKey())) {
                continue;
            }
            if (!weights.contains(e.getKey())) {
                throw new CheckpointException("checkpoint lacks weight " + e.getKey());
            }
            Tensors.Tensor t = weights.get(e.getKey());
            NDArray array = e.getValue().getArray();
            if (!new Shape(t.shape()).equals(array.getShape())) {
                throw new CheckpointException("weight " + e.getKey() + " has shape " + new Shape(t.shape())
                        + ", the model expects " + array.getShape());
            }
            array.set(FloatBuffer.wrap(t.values()));
        }
    }

    public void loadLoraWeights(Tensors weights) {
        loadWeights(weights, IS_LORA);
    }

    public void loadBaseWeights(Tensors weights) {
        loadWeights(weights, IS_LORA.negate());
    }

    /** Puts a fresh adapter in: random down-projections, zero up-projections (= the base model). */
    public void resetLora(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (!IS_LORA.test(e.getKey())) {
                continue;
            }
            NDArray array = e.getValue().getArray();
            float[] values = new float[Math.toIntExact(array.size())];
            if (e.getKey().endsWith("loraDown")) {
                double std = 1.0 / Math.sqrt(array.size() / array.getShape().get(0));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (Noise.gaussian(random) * std);
                }
            }
            array.set(FloatBuffer.wrap(values));
        }
    }

    public long parameterCount(List<Parameter> which) {
        return which.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private List<Parameter> select(Predicate<String> which) {
        List<Parameter> out = new ArrayList<>();
        parameters.forEach((name, p) -> {
            if (which.test(name)) {
                out.add(p);
            }
        });
        return out;
    }

    private Tensors export(Predicate<String> which) {
        Tensors out = new Tensors();
        parameters.forEach((name, p) -> {
            if (which.test(name)) {
                out.put(name, Tensors.Tensor.of(p.getArray()));
            }
        });
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
